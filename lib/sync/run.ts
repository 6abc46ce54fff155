// The sync, stage by stage: scan → plan → transfer (+ record) → process → report, under the
// lock. Side effects come in through `deps`; this module only puts the stages in order.
import crypto from 'node:crypto';
import { systemNow, type Now } from '../clock.ts';
import type { Config } from '../config/load.ts';
import { describeError } from '../errors.ts';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import { appendRunRecord } from '../report/records.ts';
import { pruneLogs } from '../report/retention.ts';
import { buildSummary, failedRunSummary, type RunSummary } from '../report/summary.ts';
import type { Storage } from '../storage/client.ts';
import { HashCache } from './cache/cache.ts';
import { createBufferPool } from './transfer/buffers.ts';
import { contentReader, type ContentReader } from './transfer/hash.ts';
import { readLock, takeConfiguredLock, type HeldLock } from '../lock/lock.ts';
import { loadLegacyCache, type LegacyHints } from './cache/legacy.ts';
import { listBucketHint } from './transfer/listing-hint.ts';
import { planUploads } from './plan/plan.ts';
import type { PlanItem, TransferItem } from './plan/types.ts';
import { unchangedCheck } from './plan/unchanged.ts';
import { skipProcessing, type ProcessingReport, type ProcessStage } from './process/processing.ts';
import { createRecorder } from './cache/record.ts';
import { scanDownloads } from './scan/scan.ts';
import type { ScanOptions, ScanResult, SettledCheck } from './scan/types.ts';
import { transferFiles } from './transfer/transfer.ts';
import type { TransferResult } from './transfer/types.ts';

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
  readonly lock?: (file: string) => Promise<HeldLock>;
  // Runs once the lock is held, before anything is scanned (e.g. make sure containers run).
  readonly prepare?: () => Promise<void>;
  readonly process?: ProcessStage;
  readonly onProgress?: (total: number) => (done: { files: number; bytes: number }) => void;
}

interface Run {
  readonly config: Config;
  readonly force: boolean;
  readonly pruneOldKeys: boolean;
  readonly options: SyncOptions;
  readonly legacy?: LegacyHints;
  readonly deps: SyncDeps;
  readonly log: Logger;
  readonly now: Now;
  readonly runId: string;
  readonly startedAt: Date;
}

// "20261123T030000-a1b2c3": sortable, unique enough, safe in file names.
export function newRunId(at: Date): string {
  return `${at.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${crypto.randomBytes(3).toString('hex')}`;
}

export async function runSync(config: Config, options: SyncOptions, deps: SyncDeps): Promise<RunSummary> {
  const now = deps.now ?? systemNow;
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const log = deps.log.child({ runId });
  const legacy = legacyFrom(options, config, log);
  const run: Run = {
    config,
    options,
    force: options.force,
    pruneOldKeys: options.pruneOldKeys ?? false,
    ...(legacy ? { legacy } : {}),
    deps,
    log,
    now,
    runId,
    startedAt,
  };
  log.write({
    kind: 'run.start',
    bucket: config.storage.bucket,
    prefix: config.storage.prefix,
    dirs: config.sources.map((s) => s.path),
    concurrency: config.concurrency,
    dryRun: deps.gate.dryRun,
    force: options.force,
  });
  let lock: HeldLock | undefined;
  let cache: HashCache | undefined;
  let summary: RunSummary | undefined;
  try {
    lock = await takeLock(run);
    if (lock) options.onLock?.(lock);
    await pruneOldLogs(run);
    await deps.prepare?.();
    // The bucket check (a request, and loading the S3 client) runs while the cache is read and
    // the folders are scanned; nothing is uploaded before it has answered.
    const bucketReady = ensureBucket(run);
    bucketReady.catch(() => undefined); // awaited below; handled there
    // The cache is read and indexed while the scan waits for its stats (they overlap).
    const cacheReady = HashCache.load(config.cacheFile, { log, readOnly: deps.gate.dryRun });
    cacheReady.catch(() => undefined); // awaited below; handled there (it holds no file open)
    const scan = await scanStage(
      run,
      cacheReady.then((c) => unchangedCheck(c, { prefix: config.storage.prefix, force: run.force })),
    );
    cache = await cacheReady;
    const plan = planStage(run, scan, cache);
    await bucketReady;
    const transfer = await transferStage(run, plan, cache);
    const { processing, error } = await processStage(run, transfer);
    summary = await reportStage(run, { scan, plan, transfer, processing });
    if (error) throw error;
    return summary;
  } catch (e) {
    log.write({ kind: 'run.error', error: describeError(e) });
    if (!deps.gate.dryRun && !summary)
      appendRunRecord(
        config.logDir,
        failedRunSummary({ runId, startedAt, finishedAt: now(), force: options.force, error: describeError(e) }),
      );
    throw e;
  } finally {
    cache?.close();
    lock?.release();
  }
}

// The old system's cache, when one is named: read (and its format checked) before anything else.
function legacyFrom(options: SyncOptions, config: Config, log: Logger): LegacyHints | undefined {
  const file = options.legacyCacheFile ?? config.legacyCacheFile;
  if (!file) return undefined;
  const hints = loadLegacyCache(file, options.legacyCacheFile ? '--import-legacy-cache' : 'SYNC_LEGACY_CACHE');
  log.write({ kind: 'legacy.loaded', file, entries: hints.entries });
  return hints;
}

// A dry run does not take the lock (it changes nothing) but says when one is there.
async function takeLock(run: Run): Promise<HeldLock | undefined> {
  const { config, deps, log } = run;
  if (!deps.gate.dryRun) return takeConfiguredLock(config, log, deps.lock);
  const holder = readLock(config.lockFile);
  if (holder) log.write({ kind: 'lock.present', holder: holder === 'unreadable' ? 'unreadable' : `pid ${holder.pid}` });
  return undefined;
}

async function pruneOldLogs(run: Run): Promise<void> {
  const { config, deps } = run;
  const pruned = await deps.gate.run('remove old logs', { dir: config.logDir, days: config.logRetentionDays }, () =>
    pruneLogs(config.logDir, { days: config.logRetentionDays, now: run.now() }),
  );
  if (pruned && (pruned.logFiles || pruned.runRecords || pruned.cronLogCut))
    run.log.write({ kind: 'logs.pruned', ...pruned, days: config.logRetentionDays });
}

async function ensureBucket(run: Run): Promise<void> {
  const { storage, gate } = run.deps;
  if (await storage.bucketExists()) return;
  await gate.run('create bucket', { bucket: storage.bucket }, async () => {
    await storage.createBucket();
    run.log.write({ kind: 'bucket.created', bucket: storage.bucket });
  });
}

// Unchanged files are settled as the scan meets them (the one place the rule is applied).
async function scanStage(run: Run, settled: Promise<SettledCheck | undefined>): Promise<ScanResult> {
  const { config, log, now } = run;
  const options: ScanOptions = {
    partialSuffixes: config.partialSuffixes,
    exclude: config.exclude,
    stableAfterMs: config.stableAfterMs,
    now,
    settled,
  };
  const scan = await (run.options.scan ?? ((o) => scanDownloads(config.sources, o)))(options);
  for (const s of scan.skipped)
    log.write({ kind: `scan.${s.reason}`, path: s.path, ...(s.detail ? { detail: s.detail } : {}) });
  log.write({
    kind: 'scan.done',
    complete: scan.files.length + (scan.settled?.size ?? 0),
    skipped: scan.skipped.length,
  });
  return scan;
}

function planStage(run: Run, scan: ScanResult, cache: HashCache): PlanItem[] {
  const plan = planUploads(scan.files, cache, {
    prefix: run.config.storage.prefix,
    ...(scan.settled ? { settled: scan.settled } : {}),
  });
  for (const item of plan) {
    if (item.action === 'conflict')
      run.log.write({
        kind: 'plan.conflict',
        path: item.file.absPath,
        key: item.key,
        with: item.with,
        ...(item.heldBy ? { heldBy: item.heldBy } : {}),
      });
    if (item.action === 'invalid')
      run.log.write({ kind: 'plan.invalid-key', path: item.file.absPath, problem: item.problem });
  }
  return plan;
}

async function transferStage(run: Run, plan: readonly PlanItem[], cache: HashCache): Promise<TransferResult> {
  const { deps, config } = run;
  const items = plan.filter((i): i is TransferItem => i.action === 'transfer');
  run.options.onPlan?.(items);
  const recorder = createRecorder(cache, { gate: deps.gate, now: run.now });
  const hint = run.force ? undefined : await listBucketHint(deps.storage, config.storage.prefix, items.length);
  if (hint) run.log.write({ kind: 'bucket.listed', pages: hint.pages, complete: hint.complete });
  const buffers = createBufferPool(config.memoryBytes);
  const transfer = await transferFiles(items, {
    ...(hint ? { hint } : {}),
    ...(run.legacy ? { legacy: run.legacy } : {}),
    pruneOldKeys: run.pruneOldKeys,
    storage: deps.storage,
    cache,
    recorder,
    read: deps.read ?? contentReader(config.storage.partSizeBytes, buffers),
    buffers,
    inMemoryMaxBytes: config.storage.partSizeBytes,
    gate: deps.gate,
    log: run.log,
    force: run.force,
    concurrency: config.concurrency,
    checkers: config.checkers,
    ...(run.options.stop ? { stop: run.options.stop } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress(items.length) } : {}),
  });
  await recorder.finish();
  return transfer;
}

// A process stage that throws (e.g. the django container is missing) must not hide the uploads:
// the run is still summarised and recorded, then its error ends the run.
async function processStage(
  run: Run,
  transfer: TransferResult,
): Promise<{ processing: ProcessingReport; error?: unknown }> {
  if (transfer.unreachable) return { processing: { ran: false, reason: 'storage unreachable' } };
  const uploaded = transfer.outcomes.filter((o) => o.status === 'uploaded').length;
  try {
    return { processing: await (run.deps.process ?? skipProcessing)(uploaded) };
  } catch (e) {
    return { processing: { ran: false, reason: 'could not run', error: describeError(e) }, error: e };
  }
}

async function reportStage(
  run: Run,
  stages: { scan: ScanResult; plan: PlanItem[]; transfer: TransferResult; processing: ProcessingReport },
): Promise<RunSummary> {
  const { deps, log } = run;
  const summary = buildSummary({
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: run.now(),
    dryRun: deps.gate.dryRun,
    force: run.force,
    ...stages,
  });
  await deps.gate.run('append the run record', {}, () => appendRunRecord(run.config.logDir, summary));
  const {
    status,
    scanned,
    complete,
    uploaded,
    deduplicated,
    adopted,
    conflicts,
    failed,
    skipped,
    bytesUploaded,
    durationMs,
    throughputBytesPerSec,
  } = summary;
  log.write({
    kind: 'run.summary',
    status,
    scanned,
    complete,
    new: summary.new,
    uploaded,
    deduplicated,
    adopted,
    conflicts,
    failed,
    skipped,
    bytesUploaded,
    durationMs,
    throughputBytesPerSec,
  });
  return summary;
}

// Only the process stage (for --process-only), under the same lock as a sync.
export async function runProcessingOnly(
  config: Config,
  deps: Pick<SyncDeps, 'log' | 'gate' | 'lock' | 'prepare'> & { process: ProcessStage },
): Promise<ProcessingReport> {
  const lock = deps.gate.dryRun ? undefined : await takeConfiguredLock(config, deps.log, deps.lock);
  try {
    await deps.prepare?.();
    const report = await deps.process(0);
    deps.log.write({
      kind: 'run.process-only',
      ran: report.ran,
      reason: report.reason,
      ...(report.exitCode !== undefined ? { exitCode: report.exitCode } : {}),
    });
    return report;
  } finally {
    lock?.release();
  }
}
