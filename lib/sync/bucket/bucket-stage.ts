// What the run learns of the bucket, started at once and overlapping the scan and the cache's
// reading: the bucket made sure of (refused credentials end the run here), then, when the bucket
// is to prove the cache, the whole prefix listed (one request per 1,000 keys) and the proof made
// from it. Nothing is uploaded before the bucket has answered.
import type { Gate } from '../../gate.ts';
import type { Logger } from '../../log/logger.ts';
import type { Storage } from '../../storage/types.ts';
import { ensureBucket } from './ensure.ts';
import { listBucket, type ListingHint } from './listing-hint.ts';
import { proofFrom, TRUST_THE_CACHE, type BucketProof } from './proof.ts';

export interface BucketStage {
  // The bucket exists (or, in a dry run, would be made).
  readonly ready: Promise<void>;
  // The listing the proof was made from (none when the cache is trusted).
  readonly listing: Promise<ListingHint> | undefined;
  readonly proof: Promise<BucketProof>;
}

export function startBucketStage(
  storage: Storage,
  o: { readonly prefix: string; readonly prove: boolean; readonly gate: Gate; readonly log: Logger },
): BucketStage {
  const ready = ensureBucket(storage, { gate: o.gate, log: o.log });
  const listing = o.prove ? ready.then(() => listBucket(storage, o.prefix)) : undefined;
  const proof = listing ? listing.then(proofFrom) : ready.then(() => TRUST_THE_CACHE);
  listing?.then((l) => o.log.write({ kind: 'bucket.listed', pages: l.pages, complete: l.complete }), noop);
  for (const p of [ready, listing, proof]) p?.catch(noop); // awaited by the run; handled there
  return { ready, listing, proof };
}

const noop = () => undefined;
