// The sync as stages: scan → plan → transfer (+ record) → process → report.
import crypto from 'node:crypto';
import { HashCache, type CacheEntry } from './cache.ts';
import type { Config } from './config.ts';
import { describeError } from './errors.ts';
import type { Gate } from './gate.ts';
import { sha256File } from './hash.ts';
import { acquireLock, readLock, type HeldLock } from './lock.ts';
import type { Logger } from './log.ts';
import { planUploads, type PlanItem } from './plan.ts';
import { appendRunRecord, buildSummary, failedRunSummary, type ProcessingReport, type RunSummary } from './report.ts';
import { scanDownloads } from './scan.ts';
import type { Storage } from './storage.ts';
import { transferFiles } from './transfer.ts';

export interface SyncOptions {
  readonly force: boolean;
}

// What the process stage is told about the transfer, and what it must answer.
export type ProcessStage = (uploaded: number) => Promise<ProcessingReport>;

export interface SyncDeps {
  readonly storage: Storage;
  readonly log: Logger;
  readonly gate: Gate;
  readonly now?: () => Date;
  readonly hash?: (filePath: string) => Promise<string>;
  readonly lock?: (file: string) => HeldLock;
  // Runs once the lock is held, before anything is scanned (e.g. make sure containers run).
  readonly prepare?: () => Promise<void>;
  readonly process?: ProcessStage;
  readonly onProgress?: (total: number) => (done: { files: number; bytes: number }) => void;
}

export const skipProcessing: ProcessStage = async () => ({ ran: false, reason: 'no processing configured' });

export async function runSync(config: Config, options: SyncOptions, deps: SyncDeps): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date());
  const { log, gate, storage } = deps;
  const startedAt = now();
  const runId = `${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${crypto.randomBytes(3).toString('hex')}`;
  log.info('run.start', `sync starting${gate.dryRun ? ' (dry run: nothing will be written)' : ''}${options.force ? ' (--force: re-uploading everything)' : ''}`, {
    runId,
    bucket: config.storage.bucket,
    prefix: config.storage.prefix,
    dirs: config.sources.map((s) => s.path),
    concurrency: config.concurrency,
  });

  let lock: HeldLock | undefined;
  let cache: HashCache | undefined;
  let summary: RunSummary | undefined;
  try {
    if (gate.dryRun) {
      const holder = readLock(config.lockFile);
      if (holder) log.warn('lock.present', `a lock file exists (${holder === 'unreadable' ? 'unreadable' : `pid ${holder.pid}`}); a dry run does not take it`);
    } else {
      lock = (deps.lock ?? ((f) => acquireLock(f, { log })))(config.lockFile);
    }

    await deps.prepare?.();

    if (!(await storage.bucketExists())) {
      await gate.run('create bucket', { bucket: storage.bucket }, async () => {
        await storage.createBucket();
        log.info('bucket.created', `created bucket ${storage.bucket}`);
      });
    }
    cache = HashCache.open(config.cacheFile, { log, readOnly: gate.dryRun });

    // scan
    const scan = await scanDownloads(config.sources, {
      partialSuffixes: config.partialSuffixes,
      exclude: config.exclude,
      stableAfterMs: config.stableAfterMs,
      now: () => now().getTime(),
    });
    for (const s of scan.skipped) {
      if (s.reason === 'symlink-loop' || s.reason === 'unreadable' || s.reason === 'vanished') log.warn(`scan.${s.reason}`, `skipped ${s.path}`, { detail: s.detail });
      else log.debug(`scan.${s.reason}`, `skipped ${s.path}`, { detail: s.detail });
    }
    log.info('scan.done', `${scan.files.length} complete file(s), ${scan.skipped.length} skipped`);

    // plan
    const plan = planUploads(scan.files, cache, { prefix: config.storage.prefix, force: options.force });
    for (const item of plan) logPlanProblem(log, item);
    const toTransfer = plan.filter((i): i is Extract<PlanItem, { action: 'transfer' }> => i.action === 'transfer');

    // transfer + record
    const openCache = cache;
    const transfer = await transferFiles(toTransfer, {
      storage,
      cache: openCache,
      record: async (entry: CacheEntry) => openCache.record(entry),
      hash: deps.hash ?? sha256File,
      gate,
      log,
      now,
      force: options.force,
      concurrency: config.concurrency,
      ...(deps.onProgress ? { onProgress: deps.onProgress(toTransfer.length) } : {}),
    });
    await gate.run('write the cache snapshot', { file: config.cacheFile }, () => openCache.compact());

    // process
    const uploaded = transfer.outcomes.filter((o) => o.status === 'uploaded').length;
    // A process stage that throws (e.g. the django container is missing) must not hide the
    // uploads: the run is still summarised and recorded, then the error ends it.
    let processing: ProcessingReport = { ran: false, reason: 'storage unreachable' };
    let processError: unknown;
    if (!transfer.unreachable) {
      try {
        processing = await (deps.process ?? skipProcessing)(uploaded);
      } catch (e) {
        processError = e;
        processing = { ran: false, reason: 'could not run', error: describeError(e) };
      }
    }

    // report
    const done = buildSummary({ runId, startedAt, finishedAt: now(), dryRun: gate.dryRun, force: options.force, scan, plan, transfer, processing });
    await gate.run('append the run record', {}, () => appendRunRecord(config.logDir, done));
    summary = done;
    const { status, scanned, complete, uploaded: up, deduplicated, adopted, conflicts, failed, bytesUploaded, durationMs, throughputBytesPerSec } = done;
    log.info('run.summary', `sync ${status}`, { scanned, complete, new: done.new, uploaded: up, deduplicated, adopted, conflicts, failed, skipped: done.skipped, bytesUploaded, durationMs, throughputBytesPerSec });
    if (processError) throw processError;
    return done;
  } catch (e) {
    log.error('run.error', describeError(e));
    if (!gate.dryRun && !summary) appendRunRecord(config.logDir, failedRunSummary({ runId, startedAt, finishedAt: now(), force: options.force, error: describeError(e) }));
    throw e;
  } finally {
    cache?.close();
    lock?.release();
  }
}

function logPlanProblem(log: Logger, item: PlanItem): void {
  if (item.action === 'conflict') {
    log.warn('plan.conflict', `${item.file.absPath} maps to ${item.key}, as does ${item.with.join(', ')}: neither is uploaded`, { key: item.key });
  } else if (item.action === 'invalid') {
    log.warn('plan.invalid-key', `${item.file.absPath}: ${item.problem}`);
  }
}

// Only the process stage (for --process-only), under the same lock as a sync.
export async function runProcessingOnly(config: Config, deps: Pick<SyncDeps, 'log' | 'gate' | 'lock' | 'prepare'> & { process: ProcessStage }): Promise<ProcessingReport> {
  const lock = deps.gate.dryRun ? undefined : (deps.lock ?? ((f) => acquireLock(f, { log: deps.log })))(config.lockFile);
  try {
    await deps.prepare?.();
    const report = await deps.process(0);
    deps.log.info('run.process-only', `processing ${report.ran ? `ran, exit ${report.exitCode}` : `not run (${report.reason})`}`);
    return report;
  } finally {
    lock?.release();
  }
}
