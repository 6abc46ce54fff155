// Watch mode: the download folders watched, every file that becomes complete put through the
// same plan → transfer → record stages as the nightly run, in small batches, each under the lock
// (so a nightly run still gets its turn). A rescan at start and every SYNC_WATCH_RESCAN_MINUTES
// catches events the kernel dropped. Processing is debounced; jobs run one at a time.
import { systemNow, type Now } from '../clock.ts';
import type { Config } from '../config/load.ts';
import { describeError, EXIT_CODES, exitCodeFor } from '../errors.ts';
import { isFatal, retryDelayMs } from '../retry.ts';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/client.ts';
import { takeConfiguredLock, type HeldLock } from '../lock/lock.ts';
import type { ProcessStage } from '../sync/process/processing.ts';
import { runSync, type SyncOptions } from '../sync/run.ts';
import { scanDownloads, scanNames } from '../sync/scan/scan.ts';
import type { ScanOptions } from '../sync/scan/types.ts';
import type { RunSummary } from '../report/summary.ts';
import { createProcessScheduler, realTimers, type ProcessScheduler, type Timers } from './debounce.ts';
import { Intake } from './intake.ts';
import { createDirWatchers, type DirWatchers, type WatchFn } from './dir-watchers.ts';

export interface WatchDeps {
  readonly storage: Storage;
  readonly log: Logger;
  readonly gate: Gate;
  // Processing for `count` new objects (run under the lock).
  readonly process?: ProcessStage;
  readonly prepare?: () => Promise<void>;
  readonly onUploaded?: () => Promise<void>; // before processing is scheduled (marks it owed)
  readonly onRun?: (summary: RunSummary | undefined, error?: unknown) => void; // each batch's end (monitoring)
  readonly lock?: (file: string) => Promise<HeldLock>;
  readonly watch?: WatchFn;
  readonly now?: Now;
  readonly timers?: Timers;
}

export interface WatchEnd {
  readonly reason: string;
  // Uploads were still in flight when the stop bound ran out: they were left unrecorded.
  readonly abandoned: boolean;
  readonly exitCode: number;
  readonly error?: unknown;
}

const BATCH_MAX = 1000;
// A batch or rescan that could not run is tried again after 2 s, doubling up to 5 min (the one
// retry policy's backoff, without jitter: the log says when the next try comes).
const WATCH_RETRY = { baseMs: 2000, maxMs: 5 * 60_000, jitter: false } as const;

type Job =
  { readonly kind: 'rescan'; readonly reason: string } | { readonly kind: 'batch' } | { readonly kind: 'process' };

export class Watch {
  readonly done: Promise<WatchEnd>;
  private finish!: (end: WatchEnd) => void;
  private readonly intake: Intake;
  private readonly watchers: DirWatchers;
  private readonly scheduler: ProcessScheduler;
  private readonly timers: Timers;
  private readonly now: () => number;
  private rescanWanted: string | undefined = 'start';
  private processWanted: { readonly count: number; readonly done: (ok: boolean) => void } | undefined;
  private busy: Promise<void> | undefined;
  private lock: HeldLock | undefined;
  private rescanTimer: unknown;
  private failures = 0;
  private stopping = false;
  private ended = false;

  constructor(
    private readonly config: Config,
    private readonly deps: WatchDeps,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.timers = deps.timers ?? realTimers;
    this.now = () => (deps.now ?? systemNow)().getTime();
    this.intake = new Intake(
      this.timers,
      this.now,
      () => this.scanOptions(),
      (error) => (error ? void this.end('watching failed', error) : this.pump()),
      (text) => this.watchers.get(text),
    );
    this.watchers = createDirWatchers(
      (dir, name) => this.intake.heard(dir, name),
      () => this.wantRescan('a watched folder could not name a change'),
      deps.watch,
    );
    this.scheduler = createProcessScheduler({
      debounceMs: config.watch.processDebounceMs,
      minIntervalMs: config.watch.processMinIntervalMs,
      now: this.now,
      run: (count) =>
        new Promise<boolean>((done) => {
          this.processWanted = { count, done };
          this.pump();
        }),
      timers: this.timers,
    });
  }

  start(): this {
    const { config, deps } = this;
    deps.log.write({
      kind: 'watch.start',
      dirs: config.sources.map((s) => s.path),
      rescanMinutes: config.watch.rescanMs / 60_000,
      stableSeconds: config.stableAfterMs / 1000,
    });
    void (deps.prepare ?? (async () => {}))().then(
      () => this.pump(),
      (e: unknown) => this.end('could not prepare', e),
    );
    return this;
  }

  // Stop taking work; give the job in flight `stopTimeoutMs`, then abandon it (nothing it had not
  // recorded is recorded; the lock is released).
  async stop(reason: string): Promise<WatchEnd> {
    if (this.stopping) return this.done;
    this.quiet();
    this.processWanted?.done(false);
    this.deps.log.write({ kind: 'watch.stopping', reason, inFlight: this.busy !== undefined });
    const busy = this.busy;
    if (!busy) return this.end(reason);
    let bound: unknown;
    const finished = await Promise.race([
      busy.then(() => true),
      new Promise<boolean>(
        (resolve) => (bound = this.timers.set(() => resolve(false), this.config.watch.stopTimeoutMs)),
      ),
    ]);
    this.timers.clear(bound);
    if (!finished) this.lock?.release();
    return this.end(reason, undefined, !finished);
  }

  // A rescan as soon as the job in flight ends (SIGHUP, a lost watch).
  wantRescan(reason: string): void {
    this.rescanWanted ??= reason;
    this.pump();
  }

  private end(reason: string, error?: unknown, abandoned = false): WatchEnd {
    const end: WatchEnd = {
      reason,
      abandoned,
      exitCode: error ? exitCodeFor(error) : EXIT_CODES.ok,
      ...(error ? { error } : {}),
    };
    if (this.ended) return end;
    this.ended = true;
    this.quiet();
    this.deps.log.write({
      kind: 'watch.stopped',
      reason,
      abandoned,
      owed: this.scheduler.owed,
      ...(error ? { error: describeError(error) } : {}),
    });
    this.finish(end);
    return end;
  }

  // No more events, timers or processing.
  private quiet(): void {
    this.stopping = true;
    this.intake.close();
    this.timers.clear(this.rescanTimer);
    this.watchers.close();
    this.scheduler.stop();
  }

  private scanOptions(): ScanOptions {
    const { config } = this;
    return {
      partialSuffixes: config.partialSuffixes,
      exclude: config.exclude,
      stableAfterMs: config.stableAfterMs,
      now: this.deps.now ?? systemNow,
      onDir: (d) => this.watchers.add(d),
    };
  }

  private nextJob(): Job | undefined {
    if (this.rescanWanted) return { kind: 'rescan', reason: this.rescanWanted };
    if (this.intake.readyCount) return { kind: 'batch' };
    if (this.processWanted) return { kind: 'process' };
    return undefined;
  }

  // Start the next job unless one runs.
  private pump(): void {
    if (this.busy || this.stopping) return;
    const job = this.nextJob();
    if (!job) return;
    this.busy = this.runJob(job)
      .catch((e: unknown) => void this.end('watching failed', e))
      .finally(() => {
        this.busy = undefined;
        this.pump();
      });
  }

  private runJob(job: Job): Promise<void> {
    return job.kind === 'rescan' ? this.rescan(job.reason) : job.kind === 'batch' ? this.batch() : this.processNow();
  }

  private syncOptions(extra: Partial<SyncOptions>): SyncOptions {
    return { force: false, stop: () => this.stopping, onLock: (lock) => (this.lock = lock), ...extra };
  }

  private async syncRun(options: SyncOptions): Promise<RunSummary | undefined> {
    const { deps } = this;
    try {
      const summary = await runSync(this.config, options, {
        storage: deps.storage,
        log: deps.log,
        gate: deps.gate,
        ...(deps.lock ? { lock: deps.lock } : {}),
      });
      deps.onRun?.(summary);
      if (summary.uploaded > 0 && deps.process) {
        await deps.onUploaded?.();
        this.scheduler.uploaded(summary.uploaded);
      }
      return summary;
    } catch (e) {
      deps.onRun?.(undefined, e);
      // Bad credentials, a watch limit: waiting does not mend them; the service manager shows the error.
      if (isFatal(e)) throw e;
      return undefined;
    } finally {
      this.lock = undefined;
    }
  }

  private async rescan(reason: string): Promise<void> {
    this.rescanWanted = undefined;
    const started = this.now();
    const missed: string[] = [];
    this.watchers.mark();
    const summary = await this.syncRun(
      this.syncOptions({
        scan: async (options) => {
          const result = await scanDownloads(this.config.sources, { ...options, onDir: (d) => this.watchers.add(d) });
          this.intake.rescheduleUnstable(result, []);
          return result;
        },
        onPlan: (items) => missed.push(...items.map((i) => i.file.absPath).filter((p) => !this.intake.knows(p))),
      }),
    );
    const unwatched = this.watchers.sweep();
    this.deps.log.write({
      kind: 'watch.rescan',
      reason,
      watched: this.watchers.size,
      unwatched,
      complete: summary?.complete ?? 0,
      new: summary?.new ?? 0,
      durationMs: this.now() - started,
      ok: summary !== undefined,
    });
    if (reason === 'periodic' && missed.length)
      this.deps.log.write({ kind: 'watch.missed', count: missed.length, paths: missed.slice(0, 20) });
    if (!summary) this.wantRescanLater(reason);
    this.timers.clear(this.rescanTimer);
    this.rescanTimer = this.timers.set(() => this.wantRescan('periodic'), this.config.watch.rescanMs);
    if (reason === 'start') this.deps.log.write({ kind: 'watch.ready', watched: this.watchers.size });
  }

  private wantRescanLater(reason: string, inMs = this.backoff()): void {
    this.deps.log.write({ kind: 'watch.retry', what: `the ${reason} rescan`, inSeconds: Math.round(inMs / 1000) });
    this.timers.set(() => this.wantRescan(reason), inMs);
  }

  private backoff(): number {
    return retryDelayMs(++this.failures, WATCH_RETRY);
  }

  private async batch(): Promise<void> {
    const names = this.intake.takeReady(BATCH_MAX);
    const summary = await this.syncRun(
      this.syncOptions({
        scan: async (options) => {
          const result = await scanNames(names, { ...options, onDir: (d) => this.watchers.add(d) });
          this.intake.rescheduleUnstable(result, names);
          return result;
        },
      }),
    );
    if (summary?.status === 'ok') {
      this.failures = 0;
      return;
    }
    // The lock stayed taken, the server is down, a file failed: the same names again after a while.
    const inMs = this.backoff();
    this.deps.log.write({ kind: 'watch.retry', what: `${names.length} file(s)`, inSeconds: Math.round(inMs / 1000) });
    this.intake.requeue(names, this.now() + inMs);
  }

  // Processing under the lock (never at the same time as a run's, nor twice at once).
  private async processNow(): Promise<void> {
    const { count, done } = this.processWanted!;
    this.processWanted = undefined;
    const { deps, config } = this;
    try {
      const lock = await takeConfiguredLock(config, deps.log, deps.lock);
      const report = await deps.process!(count).finally(() => lock.release());
      done(!report.error && (!report.ran || report.exitCode === 0));
    } catch (e) {
      deps.log.write({
        kind: 'watch.retry',
        what: `processing (${describeError(e)})`,
        inSeconds: Math.round(Math.max(60_000, config.watch.processMinIntervalMs) / 1000),
      });
      done(false);
    }
  }
}
