// The sync, stage by stage, under the lock: scan → plan → transfer (+ record) → process → report.
// Each stage lives in its folder (./scan, ./plan, ./transfer, ./cache, ./process, and the report
// in lib/report); side effects come in through `deps`; this module only puts them in order.
import fs from 'node:fs';
import { systemNow, type Now } from '../clock.ts';
import type { Config } from '../config/types.ts';
import { describeError, markReported } from '../errors.ts';
import type { Gate } from '../gate.ts';
import { takeRunLock, type HeldLock, type TakeLock } from '../lock/lock.ts';
import type { Logger } from '../log/logger.ts';
import { newRunId, recordFailedRun, reportStage } from '../report/records.ts';
import { pruneOldLogs } from '../report/retention.ts';
import type { RunSummary } from '../report/summary.ts';
import { destinationOf, placeOfRun } from '../storage/client.ts';
import type { Storage } from '../storage/types.ts';
import { startBucketStage } from './bucket/bucket-stage.ts';
import { HashCache } from './cache/cache.ts';
import { legacyHintsFor, type LegacyHints } from './cache/legacy.ts';
import { planStage } from './plan/plan.ts';
import type { TransferItem } from './plan/types.ts';
import { unchangedCheck } from './plan/unchanged.ts';
import { processStage, type ProcessStage } from './process/processing.ts';
import { scanStage } from './scan/scan.ts';
import { checkEmptySources, checkSourcesAtStart } from './scan/source-check.ts';
import type { ScanOptions, ScanResult } from './scan/types.ts';
import type { ContentReader } from './transfer/hash.ts';
import { transferStage } from './transfer/stage.ts';

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
  // A one-shot run: the signal that stopped it, if one did (its summary then says "interrupted").
  readonly interrupted?: () => string | undefined;
  readonly onLock?: (lock: HeldLock) => void;
  // Whether this run proves the cache against a listing of the bucket (default: as configured);
  // watch mode's batches do not, its rescans do at their interval.
  readonly prove?: boolean;
  // Whether the run's record is appended (default: always).
  readonly keepRecord?: (summary: RunSummary) => boolean;
}

export interface SyncDeps {
  readonly storage: Storage;
  readonly log: Logger;
  readonly gate: Gate;
  readonly now?: Now;
  readonly read?: ContentReader;
  readonly lock?: TakeLock;
  // A cache shared with runs that overlap this one (watch mode's lanes); the run does not close it.
  readonly cache?: (load: () => Promise<HashCache>) => Promise<HashCache>;
  // Runs once the lock is held, before anything is scanned (e.g. make sure containers run).
  readonly prepare?: () => Promise<void>;
  readonly process?: ProcessStage;
  // Notes a new object as owed processing, before it is recorded (none: nothing processes them).
  readonly owe?: (key: string) => void;
  readonly onProgress?: (total: number, totalBytes: number) => (done: { files: number; bytes: number }) => void;
}

export async function runSync(config: Config, options: SyncOptions, deps: SyncDeps): Promise<RunSummary> {
  const now = deps.now ?? systemNow;
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const log = deps.log.child({ runId });
  const legacy = legacyHintsFor(options.legacyCacheFile, config.legacyCacheFile, log);
  logStart(config, options, deps, log);
  let lock: HeldLock | undefined;
  const held: { cache?: HashCache } = {};
  let summary: RunSummary | undefined;
  try {
    lock = await takeRunLock(config, { dryRun: deps.gate.dryRun, log, ...(deps.lock ? { lock: deps.lock } : {}) });
    if (lock) options.onLock?.(lock);
    await pruneOldLogs(config, { gate: deps.gate, log, now: now() });
    await deps.prepare?.();
    const run: Run = { config, options, deps, log, now, legacy, runId, startedAt };
    summary = await runStages(run, held);
    if (run.processingError) throw run.processingError;
    return summary;
  } catch (e) {
    log.write({ kind: 'run.error', error: describeError(e) });
    markReported(e);
    const failed = {
      ...{ runId, startedAt, finishedAt: now(), force: options.force, error: describeError(e) },
      destination: placeOfRun(config.storage),
    };
    if (!deps.gate.dryRun && !summary) recordFailedRun(config.logDir, failed);
    throw e;
  } finally {
    held.cache?.close();
    lock?.release();
  }
}

interface Run {
  readonly config: Config;
  readonly options: SyncOptions;
  readonly deps: SyncDeps;
  readonly log: Logger;
  readonly now: Now;
  readonly legacy: LegacyHints | undefined;
  readonly runId: string;
  readonly startedAt: Date;
  // The process stage could not run (e.g. the django container is missing): the run is summarised
  // and recorded first, then this ends it.
  processingError?: unknown;
}

// The stages in order, once the lock is held. The bucket (checked, listed, its proof made) and the
// cache's reading overlap with the scan.
async function runStages(run: Run, held: { cache?: HashCache }): Promise<RunSummary> {
  const { config, options, deps, log, now } = run;
  const sources = await checkSourcesAtStart(config, { gate: deps.gate, log });
  const prefix = config.storage.prefix;
  const prove = config.bucketProof && !options.force && options.prove !== false;
  const bucket = startBucketStage(deps.storage, { prefix, prove, gate: deps.gate, log });
  const destination = destinationOf(config.storage);
  const foreign = prove ? 'prove' : 'set-aside';
  const load = () => HashCache.load(config.cacheFile, { log, readOnly: deps.gate.dryRun, destination, foreign });
  const cacheReady = deps.cache ? deps.cache(load) : load();
  cacheReady.catch(() => undefined); // awaited below; handled there (it holds no file open)
  const settled = Promise.all([cacheReady, bucket.proof]).then(([c, proof]) =>
    unchangedCheck(c, { prefix, force: options.force, proof }),
  );
  const scan = await scanStage({ config, now, log, settled, ...(options.scan ? { scan: options.scan } : {}) });
  const cache = await cacheReady;
  if (!deps.cache) held.cache = cache; // a shared cache is closed by its owner
  checkEmptySources(sources, cache, config, log);
  const proof = await bucket.proof;
  const plan = planStage(scan, cache, { prefix, proof, onDisk: (p) => fs.existsSync(p) }, log);
  await bucket.ready;
  const listing = bucket.listing && { listing: await bucket.listing };
  const input = { ...transferInput(config, options, deps), ...listing, proof, cache, log, now, legacy: run.legacy };
  const transfer = await transferStage(plan, input);
  const signal = options.interrupted?.();
  const { processing, error } = signal
    ? { processing: { ran: false, reason: `stopped by ${signal}: what it owes stays owed` } }
    : await processStage(transfer, deps.process);
  run.processingError = error;
  const stages = { scan, plan, transfer, processing, runId: run.runId, startedAt: run.startedAt, finishedAt: now() };
  const keepRecord = options.keepRecord ? { keepRecord: options.keepRecord } : {};
  const report = { ...deps, log, logDir: config.logDir, ...keepRecord };
  const interrupted = signal ? { interrupted: signal } : {};
  const where = { destination: placeOfRun(config.storage) };
  return reportStage({ ...stages, dryRun: deps.gate.dryRun, force: options.force, ...interrupted, ...where }, report);
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
    ...(deps.owe ? { owe: deps.owe } : {}),
    ...(options.onPlan ? { onPlan: options.onPlan } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  };
}
