// A one-shot sync (the nightly job, a run by hand): the stages, progress on a terminal, the
// summary, the monitor, and the signals that stop it. SIGTERM, SIGINT or SIGHUP stops new work and
// gives what is in flight SYNC_STOP_TIMEOUT_SECONDS; the run then ends "interrupted" (exit 13)
// with a run record, its lock released and the stop notified. Past the grace (or at a second
// signal) what is still in flight is abandoned (never recorded; the next run adopts or sends it).
import path from 'node:path';
import { EXIT_CODES, InterruptedError } from '../errors.ts';
import type { HeldLock } from '../lock/lock.ts';
import { outcomeOfError, outcomeOfRun } from '../monitor/outcome.ts';
import { createProgress, type Progress } from '../progress.ts';
import { errorForSummary } from '../report/exit.ts';
import { recordFailedRun } from '../report/records.ts';
import { formatSummary } from '../report/summary-text.ts';
import { placeOfRun } from '../storage/client.ts';
import { catchStopSignals, type StopSignal } from '../stop-signals.ts';
import { runSync, type SyncOptions } from '../sync/run.ts';
import { storageFor, type Wiring } from './wiring.ts';

export interface OneShotOptions {
  readonly runId: string;
  readonly force: boolean;
  readonly pruneOldKeys: boolean;
  readonly legacyCacheFile?: string;
}

export async function runOneShot(w: Wiring, o: OneShotOptions): Promise<number> {
  const { config, log } = w;
  let progress: Progress | undefined;
  let lock: HeldLock | undefined;
  const startedAt = new Date();
  const stop = catchStopSignals({
    graceMs: config.watch.stopTimeoutMs,
    onStop: (signal) => log.write({ kind: 'run.stopping', signal, graceSeconds: config.watch.stopTimeoutMs / 1000 }),
    onAbandon: (signal) => void abandon(w, { ...o, startedAt, signal, lock }),
  });
  const options: SyncOptions = {
    force: o.force,
    runId: o.runId,
    pruneOldKeys: o.pruneOldKeys,
    ...(o.legacyCacheFile ? { legacyCacheFile: path.resolve(o.legacyCacheFile) } : {}),
    stop: () => stop.signal() !== undefined,
    interrupted: stop.signal,
    onLock: (held) => (lock = held),
  };
  try {
    const summary = await runSync(config, options, {
      storage: storageFor(config, log),
      log,
      gate: w.gate,
      prepare: w.prepare,
      process: w.process,
      ...(w.owe ? { owe: w.owe } : {}),
      onProgress: (files, bytes) => {
        progress = createProgress(process.stderr, { files, bytes });
        return (done) => progress!.update(done);
      },
    });
    progress?.finish();
    if (w.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(formatSummary(summary) + '\n');
    const failure = errorForSummary(summary) ?? log.diskFailure();
    await w.monitor?.afterRun(outcomeOfRun('sync', summary, failure?.exitCode ?? EXIT_CODES.ok));
    if (!failure) return EXIT_CODES.ok;
    log.write({ kind: 'run.failed', error: failure.message, exitCode: failure.exitCode });
    return failure.exitCode;
  } finally {
    stop.dispose();
  }
}

// The grace is over (or a second signal came): what is in flight is left unrecorded, the stop is
// recorded and notified, the lock let go, and the process ends with the interrupted code.
async function abandon(
  w: Wiring,
  r: OneShotOptions & { startedAt: Date; signal: StopSignal; lock: HeldLock | undefined },
): Promise<void> {
  const { config, log } = w;
  const error = new InterruptedError(
    `stopped by ${r.signal}; what was still in flight after ${config.watch.stopTimeoutMs / 1000} s was ` +
      'abandoned (not recorded: the next run adopts or sends it)',
  );
  log.write({ kind: 'run.failed', error: error.message, exitCode: error.exitCode });
  const record = {
    ...{ runId: r.runId, startedAt: r.startedAt, finishedAt: new Date(), force: r.force },
    destination: placeOfRun(config.storage),
  };
  if (!w.gate.dryRun) recordFailedRun(config.logDir, { ...record, error: error.message, status: 'interrupted' });
  r.lock?.release();
  await w.monitor?.afterRun(outcomeOfError('sync', error));
  log.close();
  process.exit(error.exitCode);
}
