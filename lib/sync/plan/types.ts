// The plan stage's vocabulary: what becomes of each complete file the scan passed on.
import type { BucketProof, ProofVerdict } from '../bucket/proof.ts';
import type { CacheEntry } from '../cache/types.ts';
import type { ScannedFile } from '../scan/types.ts';

export type PlanItem =
  | {
      readonly action: 'transfer';
      readonly file: ScannedFile;
      readonly key: string;
      readonly cached?: CacheEntry;
      // The bucket did not prove the cache entry (missing, changed, or not known from the listing):
      // it is not passed on, and a changed object is replaced by the file's bytes.
      readonly unproven?: Exclude<ProofVerdict, { kind: 'proven' }>;
    }
  | {
      readonly action: 'conflict';
      readonly file: ScannedFile;
      readonly key: string;
      readonly with: readonly string[];
      readonly heldBy?: string;
    }
  | { readonly action: 'invalid'; readonly file: ScannedFile; readonly problem: string };

export type TransferItem = Extract<PlanItem, { action: 'transfer' }>;

export interface PlanOptions {
  readonly prefix: string;
  // Whether a file the cache names as a key's holder is still on disk, when it is not among the
  // files planned (the scan settled it unchanged, or watch mode did not rescan it): a key it holds
  // is not free for another file. The plan stays pure: the run passes the disk in.
  readonly onDisk?: (path: string) => boolean;
  // What the bucket's listing proves of a cache entry (default: trust the cache).
  readonly proof?: BucketProof;
}
