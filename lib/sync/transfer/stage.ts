// Stage 3 (and 4, record) as a run calls it: the listing the transfer looks keys up in, memory for
// contents in flight, the recorder, and the snapshot written at the end.
import type { Now } from '../../clock.ts';
import type { Config } from '../../config/types.ts';
import { StateDiskError } from '../../errors.ts';
import type { Gate } from '../../gate.ts';
import type { Logger } from '../../log/logger.ts';
import type { Storage } from '../../storage/types.ts';
import { listBucketHint, type ListingHint } from '../bucket/listing-hint.ts';
import type { BucketProof } from '../bucket/proof.ts';
import type { HashCache } from '../cache/cache.ts';
import type { LegacyHints } from '../cache/legacy.ts';
import { createRecorder } from '../cache/record.ts';
import type { PlanItem, TransferItem } from '../plan/types.ts';
import { createBufferPool } from './buffers.ts';
import { contentReader, type ContentReader } from './hash.ts';
import { transferFiles } from './transfer.ts';
import type { TransferResult } from './types.ts';

const sizeOf = (items: readonly TransferItem[]) => items.reduce((n, i) => n + i.file.size, 0);

export interface TransferStageInput {
  readonly config: Pick<Config, 'storage' | 'memoryBytes' | 'concurrency' | 'checkers'>;
  readonly storage: Storage;
  readonly cache: HashCache;
  readonly gate: Gate;
  readonly log: Logger;
  readonly now: Now;
  readonly force: boolean;
  readonly pruneOldKeys: boolean;
  readonly legacy?: LegacyHints;
  // The bucket's listing when the run made one (its proof of the cache comes from it), and that proof.
  readonly listing?: ListingHint;
  readonly proof?: BucketProof;
  readonly read?: ContentReader;
  readonly owe?: (key: string) => void;
  // Watch mode: what the plan sends on, and when to stop starting files.
  readonly onPlan?: (items: readonly TransferItem[]) => void;
  readonly stop?: () => boolean;
  // Told the files and bytes to look at, it returns what is told each step.
  readonly onProgress?: (total: number, totalBytes: number) => (done: { files: number; bytes: number }) => void;
}

// Stage 3 (and 4, record) as a run calls it: what the bucket holds listed when many files may
// ask, memory for contents in flight bounded, each success recorded as it comes, the snapshot
// written at the end.
export async function transferStage(plan: readonly PlanItem[], input: TransferStageInput): Promise<TransferResult> {
  const { config, storage, cache, gate, log } = input;
  const items = plan.filter((i): i is TransferItem => i.action === 'transfer');
  input.onPlan?.(items);
  const recorder = createRecorder(cache, { gate, now: input.now, ...(input.owe ? { owe: input.owe } : {}) });
  const hint = input.force ? undefined : (input.listing ?? (await listedFor(storage, config, items.length, log)));
  const buffers = createBufferPool(config.memoryBytes);
  const transfer = await transferFiles(items, {
    ...(hint ? { hint } : {}),
    ...(input.proof ? { proof: input.proof } : {}),
    ...(input.legacy ? { legacy: input.legacy } : {}),
    ...(input.stop ? { stop: input.stop } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress(items.length, sizeOf(items)) } : {}),
    pruneOldKeys: input.pruneOldKeys,
    storage,
    cache,
    recorder,
    read: input.read ?? contentReader(config.storage.partSizeBytes, buffers),
    buffers,
    inMemoryMaxBytes: config.storage.partSizeBytes,
    gate,
    log,
    force: input.force,
    concurrency: config.concurrency,
    checkers: config.checkers,
  });
  // The snapshot folds in the journal; with the state disk full it is left to the next run (the
  // journal keeps what was recorded).
  if (transfer.stateDisk) return transfer;
  try {
    await recorder.finish();
  } catch (e) {
    if (!(e instanceof StateDiskError)) throw e;
    return { ...transfer, stateDisk: e };
  }
  return transfer;
}

// Without a listing made for the proof: one when many files may ask the bucket (none for a few).
async function listedFor(
  storage: Storage,
  config: Pick<Config, 'storage'>,
  files: number,
  log: Logger,
): Promise<ListingHint | undefined> {
  const hint = await listBucketHint(storage, config.storage.prefix, files);
  if (hint) log.write({ kind: 'bucket.listed', pages: hint.pages, complete: hint.complete });
  return hint;
}
