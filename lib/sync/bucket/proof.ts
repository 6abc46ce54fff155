// The bucket decides: a cache entry saves work only while a listing of the bucket proves it. An
// entry is proven when its object is listed with the size recorded and, where the entry knows
// it, the same ETag. An object missing is uploaded again; one whose ETag changed is replaced by the
// file's bytes. A key the listing cannot answer for (outside the prefix listed, or absent from a
// listing of several pages, which s3rver can skip keys in) is unknown: the transfer asks the
// bucket for it (a HEAD) instead of trusting the cache.
import type { CachedStat } from '../cache/types.ts';
import { listedOrUnknown, type ListingHint } from './listing-hint.ts';

export type ProofVerdict =
  | { readonly kind: 'proven' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'missing'; readonly key: string }
  | { readonly kind: 'changed'; readonly key: string; readonly detail: string };

export type BucketProof = (entry: Pick<CachedStat, 'key' | 'size'> & { readonly etag?: string }) => ProofVerdict;

const PROVEN: ProofVerdict = { kind: 'proven' };
const UNKNOWN: ProofVerdict = { kind: 'unknown' };

// No proof asked for (SYNC_BUCKET_PROOF=off, --force, watch mode between proofs): every entry holds.
export const TRUST_THE_CACHE: BucketProof = () => PROVEN;

export function proofFrom(listing: ListingHint): BucketProof {
  return (entry) => {
    const listed = listedOrUnknown(listing, entry.key);
    if (listed === undefined) return UNKNOWN;
    if (listed === null) return { kind: 'missing', key: entry.key };
    if (listed.size !== entry.size) {
      return { kind: 'changed', key: entry.key, detail: `${listed.size} bytes, recorded ${entry.size}` };
    }
    if (entry.etag && listed.etag && listed.etag !== entry.etag) {
      return { kind: 'changed', key: entry.key, detail: `ETag ${listed.etag}, recorded ${entry.etag}` };
    }
    return PROVEN;
  };
}
