// The sync, stage by stage, under the lock: scan → plan → transfer (+ record) → process → report.
// Each stage lives in its folder (./scan, ./plan, ./transfer, ./cache, ./process, and the report
// in lib/report); side effects come in through `deps`; this module only puts them in order.
import { systemNow, type Now } from '../clock.ts';
import type { Config } from '../config/types.ts';
import { describeError } from '../errors.ts';
import type { Gate } from '../gate.ts';
import { takeRunLock, type HeldLock, type TakeLock } from '../lock/lock.ts';
import type { Logger } from '../log/logger.ts';
import { newRunId, recordFailedRun, reportStage } from '../report/records.ts';
import { pruneOldLogs } from '../report/retention.ts';
import type { RunSummary } from '../report/summary.ts';
import { destinationOf } from '../storage/client.ts';
import type { Storage } from '../storage/types.ts';
import { ensureBucket } from './bucket/ensure.ts';
import { HashCache } from './cache/cache.ts';
import { legacyHintsFor } from './cache/legacy.ts';
import { planStage } from './plan/plan.ts';
import type { TransferItem } from './plan/types.ts';
import { unchangedCheck } from './plan/unchanged.ts';
import { processStage, type ProcessStage } from './process/processing.ts';
import { scanStage } from './scan/scan.ts';
import type { ScanOptions, ScanResult } from './scan/types.ts';
import type { ContentReader } from './transfer/hash.ts';
import { transferStage } from './transfer/transfer.ts';

export interface SyncOptions {
  readonly force: boolean;
  // After a server-side copy to a new key, remove the old key.
  readonly pruneOldKeys?: boolean;
  // The old system's cache (--import-legacy-cache), over SYNC_LEGACY_CACHE.
  readonly legacyCacheFile?: string;
  // Given by a script that stamps its own log lines with it; made here otherwise.
  readonly runId?: string;
  // Watch mode: the scan stage (by default the whole tree), what the plan sends to the transfer,
  // when to stop starting files, and the lock once it is held.
  readonly scan?: (options: ScanOptions) => Promise<ScanResult>;
  readonly onPlan?: (items: readonly TransferItem[]) => void;
  readonly stop?: () => boolean;
  readonly onLock?: (lock: HeldLock) => void;
}

export interface SyncDeps {
  readonly storage: Storage;
  readonly log: Logger;
  readonly gate: Gate;
  readonly now?: Now;
  readonly read?: ContentReader;
  readonly lock?: TakeLock;
  // Runs once the lock is held, before anything is scanned (e.g. make sure containers run).
  readonly prepare?: () => Promise<void>;
  readonly process?: ProcessStage;
  readonly onProgress?: (total: number) => (done: { files: number; bytes: number }) => void;
}

export async function runSync(config: Config, options: SyncOptions, deps: SyncDeps): Promise<RunSummary> {
  const now = deps.now ?? systemNow;
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const log = deps.log.child({ runId });
  const legacy = legacyHintsFor(options.legacyCacheFile, config.legacyCacheFile, log);
  logStart(config, options, deps, log);
  let lock: HeldLock | undefined;
  let cache: HashCache | undefined;
  let summary: RunSummary | undefined;
  try {
    lock = await takeRunLock(config, { dryRun: deps.gate.dryRun, log, ...(deps.lock ? { lock: deps.lock } : {}) });
    if (lock) options.onLock?.(lock);
    await pruneOldLogs(config, { gate: deps.gate, log, now: now() });
    await deps.prepare?.();
    // The bucket check (a request, and loading the S3 client) and the cache's reading overlap
    // with the scan; nothing is uploaded before the bucket has answered.
    const bucketReady = ensureBucket(deps.storage, { gate: deps.gate, log });
    bucketReady.catch(() => undefined); // awaited below; handled there
    const destination = destinationOf(config.storage);
    const cacheReady = HashCache.load(config.cacheFile, { log, readOnly: deps.gate.dryRun, destination });
    cacheReady.catch(() => undefined); // awaited below; handled there (it holds no file open)
    const prefix = config.storage.prefix;
    const settled = cacheReady.then((c) => unchangedCheck(c, { prefix, force: options.force }));
    const scan = await scanStage({ config, now, log, settled, ...(options.scan ? { scan: options.scan } : {}) });
    cache = await cacheReady;
    const plan = planStage(scan, cache, prefix, log);
    await bucketReady;
    const transfer = await transferStage(plan, { ...transferInput(config, options, deps), cache, log, now, legacy });
    const { processing, error } = await processStage(transfer, deps.process);
    const stages = { scan, plan, transfer, processing, runId, startedAt, finishedAt: now() };
    summary = await reportStage(
      { ...stages, dryRun: deps.gate.dryRun, force: options.force },
      { ...deps, log, logDir: config.logDir },
    );
    if (error) throw error;
    return summary;
  } catch (e) {
    log.write({ kind: 'run.error', error: describeError(e) });
    const failed = { runId, startedAt, finishedAt: now(), force: options.force, error: describeError(e) };
    if (!deps.gate.dryRun && !summary) recordFailedRun(config.logDir, failed);
    throw e;
  } finally {
    cache?.close();
    lock?.release();
  }
}

function logStart(config: Config, options: SyncOptions, deps: SyncDeps, log: Logger): void {
  log.write({
    kind: 'run.start',
    bucket: config.storage.bucket,
    prefix: config.storage.prefix,
    dirs: config.sources.map((s) => s.path),
    concurrency: config.concurrency,
    dryRun: deps.gate.dryRun,
    force: options.force,
  });
}

// What the transfer stage takes from the options and the side effects passed in.
function transferInput(config: Config, options: SyncOptions, deps: SyncDeps) {
  return {
    config,
    storage: deps.storage,
    gate: deps.gate,
    force: options.force,
    pruneOldKeys: options.pruneOldKeys ?? false,
    ...(deps.read ? { read: deps.read } : {}),
    ...(options.onPlan ? { onPlan: options.onPlan } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  };
}
