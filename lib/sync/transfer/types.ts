// The transfer stage's vocabulary: what it needs (its side effects, passed in) and what becomes
// of each file it is given.
import type { StateDiskError, StorageUnreachableError } from '../../errors.ts';
import type { Gate } from '../../gate.ts';
import type { Logger } from '../../log/logger.ts';
import type { Storage } from '../../storage/types.ts';
import type { LegacyHints } from '../cache/legacy.ts';
import type { Recorder } from '../cache/record.ts';
import type { CacheView } from '../cache/types.ts';
import type { TransferItem } from '../plan/types.ts';
import type { BufferPool } from './buffers.ts';
import type { ContentReader } from './hash.ts';
import type { ListingHint } from '../bucket/listing-hint.ts';
import type { BucketProof } from '../bucket/proof.ts';

export type TransferOutcome =
  | { readonly status: 'uploaded'; readonly item: TransferItem; readonly sha256: string; readonly bytes: number }
  | { readonly status: 'would-upload'; readonly item: TransferItem; readonly sha256: string }
  | { readonly status: 'deduplicated'; readonly item: TransferItem; readonly sha256: string; readonly sameAs: string }
  // Already in the bucket: proven by our sha256 (a HEAD), or `by` its listed ETag (no request).
  | { readonly status: 'adopted'; readonly item: TransferItem; readonly sha256: string; readonly by?: 'etag' }
  // Adopted after adding our sha256 to an object that held the bytes without it.
  | { readonly status: 'claimed'; readonly item: TransferItem; readonly sha256: string }
  | { readonly status: 'would-claim'; readonly item: TransferItem; readonly sha256: string }
  // Copied on the server from another key holding the bytes.
  | {
      readonly status: 'copied';
      readonly item: TransferItem;
      readonly sha256: string;
      readonly from: string;
      readonly pruned: boolean;
    }
  | { readonly status: 'would-copy'; readonly item: TransferItem; readonly sha256: string; readonly from: string }
  | { readonly status: 'unchanged'; readonly item: TransferItem; readonly sha256: string }
  | { readonly status: 'conflict'; readonly item: TransferItem; readonly detail: string }
  | { readonly status: 'failed'; readonly item: TransferItem; readonly error: string }
  | { readonly status: 'not-attempted'; readonly item: TransferItem }
  // In the bucket, verified, but its record could not be written (the state disk): the next run adopts it.
  | { readonly status: 'not-recorded'; readonly item: TransferItem };

export interface TransferDeps {
  readonly storage: Storage;
  readonly cache: CacheView & { isReferenced(key: string): boolean };
  readonly recorder: Recorder;
  readonly read: ContentReader;
  // Files up to this size are held in memory by `read` and sent as one request.
  readonly inMemoryMaxBytes: number;
  // What a listing said the bucket holds (for many new files), instead of a HEAD each.
  readonly hint?: ListingHint;
  // What the bucket's listing proves of a cache entry (none: trust the cache).
  readonly proof?: BucketProof;
  // The old system's cache: where it may have put a file's bytes.
  readonly legacy?: LegacyHints;
  // After a copy to a new key, remove the old key (once nothing else points at it).
  readonly pruneOldKeys?: boolean;
  // Memory for contents in flight (upload parts, read chunks); without, they are allocated.
  readonly buffers?: BufferPool;
  readonly gate: Gate;
  readonly log: Logger;
  readonly force: boolean;
  // Uploads in parallel; files looked at in parallel (default: as many as uploads).
  readonly concurrency: number;
  readonly checkers?: number;
  // Runs an upload's sending in one of `concurrency` slots (set by transferFiles).
  readonly uploadSlot?: <T>(send: () => Promise<T>) => Promise<T>;
  readonly onProgress?: (done: { files: number; bytes: number }) => void;
  // Bytes of a file's upload the server has taken so far (each part of a large file).
  readonly onBytes?: (item: TransferItem, bytes: number) => void;
  // True once no further file should be started (watch mode stopping); those left are not attempted.
  readonly stop?: () => boolean;
}

export interface TransferResult {
  readonly outcomes: TransferOutcome[];
  // Set when the server became unreachable and the remaining files were not attempted.
  readonly unreachable?: StorageUnreachableError;
  // Set when a record could not be written (the state disk): the stage stopped there.
  readonly stateDisk?: StateDiskError;
}
