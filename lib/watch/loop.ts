// Watch mode: the download folders watched, every file that becomes complete put through the
// same plan → transfer → record stages as the nightly run, in small batches, each under the lock
// (so a nightly run still gets its turn). A rescan at start and every SYNC_WATCH_RESCAN_MINUTES
// catches events the kernel dropped. Processing is debounced; a rescan or processing runs alone,
// and a batch of small files may run beside a batch (./session.ts: what the two share).
import { systemNow } from '../clock.ts';
import type { Config } from '../config/types.ts';
import { describeError, EXIT_CODES, exitCodeFor } from '../errors.ts';
import { takeConfiguredLock } from '../lock/lock.ts';
import { retryDelayMs } from '../retry.ts';
import { scanRulesOf } from '../sync/scan/scan.ts';
import type { ScanOptions } from '../sync/scan/types.ts';
import { createProcessScheduler, realTimers, type ProcessScheduler, type Timers } from './debounce.ts';
import { createDirWatchers, type DirWatchers } from './dir-watchers.ts';
import { Intake, isSmall } from './intake.ts';
import { batchJob, processJob, rescanJob, type JobHost } from './jobs.ts';
import { createRunSession, type RunSession } from './session.ts';
import type { WatchDeps, WatchEnd } from './types.ts';

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
  private busyWith: Job['kind'] | undefined;
  // The second lane: a batch of small files while the first runs a batch (see pump).
  private quick: Promise<void> | undefined;
  private readonly session: RunSession;
  private rescanTimer: unknown;
  private failures = 0;
  // The status of the last batch that was recorded while batches keep failing (see batchJob).
  private readonly streak: { status?: string } = {};
  private lastProof: number | undefined;
  private stopping = false;
  private ended = false;

  constructor(
    private readonly config: Config,
    private readonly deps: WatchDeps,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.timers = deps.timers ?? realTimers;
    this.session = createRunSession(() => takeConfiguredLock(config, deps.log, deps.lock));
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
    const inFlight = this.busy !== undefined || this.quick !== undefined;
    this.deps.log.write({ kind: 'watch.stopping', reason, inFlight });
    if (!inFlight) return this.end(reason);
    const busy = Promise.all([this.busy, this.quick]);
    let bound: unknown;
    const finished = await Promise.race([
      busy.then(() => true),
      new Promise<boolean>(
        (resolve) => (bound = this.timers.set(() => resolve(false), this.config.watch.stopTimeoutMs)),
      ),
    ]);
    this.timers.clear(bound);
    if (!finished) this.session.abandon();
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
      ...scanRulesOf(config),
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

  // Start the next job unless one runs. A rescan or processing runs alone; while a batch runs, a
  // second batch of small files may run beside it, so that they do not wait behind a large one.
  private pump(): void {
    if (this.stopping) return;
    const job = this.busy ? undefined : this.nextJob();
    if (job && (job.kind === 'batch' || !this.quick)) {
      this.busyWith = job.kind;
      this.busy = this.runJob(job)
        .catch((e: unknown) => void this.end('watching failed', e))
        .finally(() => {
          this.busy = this.busyWith = undefined;
          this.pump();
        });
    }
    if (this.busyWith !== 'batch' || this.quick || this.rescanWanted) return;
    const small = this.intake.takeReady(BATCH_MAX, (p) => isSmall(p, this.config.storage.partSizeBytes));
    if (!small.length) return;
    this.quick = batchJob(this.host(), small)
      .catch((e: unknown) => void this.end('watching failed', e))
      .finally(() => {
        this.quick = undefined;
        this.pump();
      });
  }

  private runJob(job: Job): Promise<void> {
    return job.kind === 'rescan' ? this.rescan(job.reason) : job.kind === 'batch' ? this.batch() : this.processNow();
  }

  // What the jobs (./jobs.ts) ask of the watch.
  private host(): JobHost {
    return {
      config: this.config,
      deps: this.deps,
      intake: this.intake,
      watchers: this.watchers,
      scheduler: this.scheduler,
      now: this.now,
      stopping: () => this.stopping,
      session: this.session,
      backoff: () => retryDelayMs(++this.failures, WATCH_RETRY),
      recovered: () => (this.failures = 0),
      retrying: () => this.failures > 0,
      streak: this.streak,
      proofDue: () => this.lastProof === undefined || this.now() - this.lastProof >= this.config.watch.proofMs,
      proved: () => (this.lastProof = this.now()),
    };
  }

  private async rescan(reason: string): Promise<void> {
    this.rescanWanted = undefined;
    const host = this.host();
    if (!(await rescanJob(host, reason))) {
      const inMs = host.backoff();
      this.deps.log.write({ kind: 'watch.retry', what: `the ${reason} rescan`, inSeconds: Math.round(inMs / 1000) });
      this.timers.set(() => this.wantRescan(reason), inMs);
    }
    this.timers.clear(this.rescanTimer);
    this.rescanTimer = this.timers.set(() => this.wantRescan('periodic'), this.config.watch.rescanMs);
    if (reason === 'start') this.deps.log.write({ kind: 'watch.ready', watched: this.watchers.size });
  }

  private batch(): Promise<void> {
    return batchJob(this.host(), this.intake.takeReady(BATCH_MAX));
  }

  private processNow(): Promise<void> {
    const wanted = this.processWanted!;
    this.processWanted = undefined;
    return processJob(this.host(), wanted.count, wanted.done);
  }
}
