// The plan stage's vocabulary: what becomes of each complete file the scan passed on.
import type { CacheEntry } from '../cache/types.ts';
import type { ScannedFile } from '../scan/types.ts';

export type PlanItem =
  | { readonly action: 'transfer'; readonly file: ScannedFile; readonly key: string; readonly cached?: CacheEntry }
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
  // Paths of the files the scan settled unchanged (left out of its `files`): still on disk, so
  // a key one of them owns is not free for another file.
  readonly settled?: ReadonlySet<string>;
}
