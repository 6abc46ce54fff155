// Watch mode's jobs, one at a time under the watch's pump: a rescan (the whole tree), a batch (the
// names heard and judged ready), and processing. The first two are runs of the nightly sync's
// stages with another scan; each run takes the lock and lets it go.
import type { Config } from '../config/types.ts';
import { describeError } from '../errors.ts';
import { takeConfiguredLock } from '../lock/lock.ts';
import type { RunSummary } from '../report/summary.ts';
import { isFatal } from '../retry.ts';
import { runSync, type SyncOptions } from '../sync/run.ts';
import { scanDownloads, scanNames } from '../sync/scan/scan.ts';
import type { ProcessScheduler } from './debounce.ts';
import type { DirWatchers } from './dir-watchers.ts';
import type { Intake } from './intake.ts';
import type { RunSession } from './session.ts';
import type { WatchDeps } from './types.ts';

export interface JobHost {
  readonly config: Config;
  readonly deps: WatchDeps;
  readonly intake: Intake;
  readonly watchers: DirWatchers;
  readonly scheduler: ProcessScheduler;
  now(): number;
  stopping(): boolean;
  // The lock hold and cache that overlapping batches share.
  readonly session: RunSession;
  // The wait before the next try after a failure (the one retry policy's backoff), and its reset.
  backoff(): number;
  recovered(): void;
  // Whether the last try failed (this one is a retry), and the status last recorded meanwhile.
  retrying(): boolean;
  readonly streak: { status?: string };
  // Whether a rescan is to prove the cache against the bucket now, and that one did.
  proofDue(): boolean;
  proved(): void;
}

type Scan = NonNullable<SyncOptions['scan']>;

// One run of the stages with the given scan; undefined when it could not run (the lock stayed
// taken, the server is down). A fatal error (bad credentials, a watch limit) ends the watch.
async function syncRun(
  host: JobHost,
  scan: Scan,
  extra: Pick<SyncOptions, 'onPlan' | 'prove' | 'keepRecord'>,
): Promise<RunSummary | undefined> {
  const { config, deps } = host;
  const options: SyncOptions = { force: false, stop: host.stopping, scan, ...extra };
  try {
    const { storage, log, gate } = deps;
    const shared = { lock: host.session.lock, cache: host.session.cache };
    const owe = deps.owe ? { owe: deps.owe } : {};
    const summary = await runSync(config, options, { storage, log, gate, ...shared, ...owe });
    deps.onRun?.(summary);
    if (summary.uploaded > 0 && deps.process) host.scheduler.uploaded(summary.uploaded);
    return summary;
  } catch (e) {
    deps.onRun?.(undefined, e);
    // Waiting does not mend a fatal error; the service manager shows it.
    if (isFatal(e)) throw e;
    return undefined;
  }
}

// The whole tree, as at start and every SYNC_WATCH_RESCAN_MINUTES; whether the run went through.
export async function rescanJob(host: JobHost, reason: string): Promise<boolean> {
  const { config, intake, watchers, deps } = host;
  const started = host.now();
  const missed: string[] = [];
  watchers.mark();
  const scan: Scan = async (options) => {
    const result = await scanDownloads(config.sources, { ...options, onDir: (d) => watchers.add(d) });
    intake.rescheduleUnstable(result, []);
    return result;
  };
  // The bucket proves the cache at the first rescan and then at least every SYNC_WATCH_PROOF_HOURS.
  const prove = host.proofDue();
  const summary = await syncRun(host, scan, {
    prove,
    onPlan: (items) => missed.push(...items.map((i) => i.file.absPath).filter((p) => !intake.knows(p))),
  });
  if (summary && prove) host.proved();
  const unwatched = watchers.sweep();
  deps.log.write({
    kind: 'watch.rescan',
    reason,
    watched: watchers.size,
    unwatched,
    complete: summary?.complete ?? 0,
    new: summary?.new ?? 0,
    durationMs: host.now() - started,
    ok: summary !== undefined,
  });
  if (reason === 'periodic' && missed.length) {
    deps.log.write({ kind: 'watch.missed', count: missed.length, paths: missed.slice(0, 20) });
  }
  return summary !== undefined;
}

// The names heard and judged ready; on any failure the same names again after the backoff.
export async function batchJob(host: JobHost, names: ReturnType<Intake['takeReady']>): Promise<void> {
  const { intake, watchers } = host;
  const scan: Scan = async (options) => {
    const result = await scanNames(names, { ...options, onDir: (d) => watchers.add(d) });
    intake.rescheduleUnstable(result, names);
    return result;
  };
  // Retries fold into one run record: a retry that ends as the last recorded try is not recorded
  // again (the log still has each); a change (fixed, or failing otherwise) is.
  const streak = host.streak;
  const keepRecord = (s: RunSummary) => !(host.retrying() && s.status !== 'ok' && s.status === streak.status);
  const summary = await syncRun(host, scan, { prove: false, keepRecord });
  streak.status = summary?.status;
  if (summary?.status === 'ok') {
    host.recovered();
    return;
  }
  // The lock stayed taken, the server is down, a file failed: the same names again after a while.
  const inMs = host.backoff();
  host.deps.log.write({ kind: 'watch.retry', what: `${names.length} file(s)`, inSeconds: Math.round(inMs / 1000) });
  intake.requeue(names, host.now() + inMs);
}

// Processing under the lock (never at the same time as a run's, nor twice at once).
export async function processJob(host: JobHost, count: number, done: (ok: boolean) => void): Promise<void> {
  const { deps, config } = host;
  try {
    const lock = await takeConfiguredLock(config, deps.log, deps.lock);
    const report = await deps.process!(count).finally(() => lock.release());
    done(!report.error && (!report.ran || report.exitCode === 0));
  } catch (e) {
    const inSeconds = Math.round(Math.max(60_000, config.watch.processMinIntervalMs) / 1000);
    deps.log.write({ kind: 'watch.retry', what: `processing (${describeError(e)})`, inSeconds });
    done(false);
  }
}
