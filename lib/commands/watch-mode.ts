// `sync --watch`: the watch until a signal, with its monitor (and the monitoring address when
// SYNC_METRICS_LISTEN is set), each batch's outcome monitored.
import { watchStatusLine } from '../progress.ts';
import { secretsOf } from '../config/load.ts';
import { EXIT_CODES } from '../errors.ts';
import { redactError } from '../log/logger.ts';
import { outcomeOfError, outcomeOfRun } from '../monitor/outcome.ts';
import { startWatchMonitorServer } from '../monitor/server.ts';
import { errorForSummary } from '../report/exit.ts';
import type { RunSummary } from '../report/summary.ts';
import { watchUntilSignalled } from '../watch/signals.ts';
import { storageFor, type Wiring } from './wiring.ts';

export async function watchMode(w: Wiring): Promise<number> {
  const { config, log } = w;
  const storage = storageFor(config, log);
  const monitor = w.monitor!;
  const server = config.monitor.listen ? await startWatchMonitorServer(config, monitor, log) : undefined;
  let sinceStart = 0;
  const onRun = (summary: RunSummary | undefined, error?: unknown) => {
    sinceStart += summary?.uploaded ?? 0;
    if (w.statusLine) process.stderr.write(`\r\x1b[K${watchStatusLine(new Date(), batchOf(summary), sinceStart)}`);
    void monitor.afterRun(
      summary
        ? outcomeOfRun('watch', summary, errorForSummary(summary)?.exitCode ?? EXIT_CODES.ok)
        : outcomeOfError('watch', redactError(error, secretsOf(config))),
    );
  };
  const end = await watchUntilSignalled(
    config,
    {
      storage,
      log,
      gate: w.gate,
      prepare: w.prepare,
      process: w.process,
      ...(w.owe ? { owe: w.owe } : {}),
      onRun,
    },
    {
      exit: (code) => {
        log.close();
        process.exit(code);
      },
    },
  );
  if (end.error) await monitor.afterRun(outcomeOfError('watch', redactError(end.error, secretsOf(config))));
  await monitor.settled();
  await server?.close();
  if (end.error) throw end.error;
  if (end.abandoned) {
    // Uploads still in flight were abandoned (never recorded): end now rather than let them finish.
    log.close();
    process.exit(end.exitCode);
  }
  return end.exitCode;
}

const batchOf = (s: RunSummary | undefined) =>
  s && { ok: s.status === 'ok', uploaded: s.uploaded, bytes: s.bytesUploaded, failed: s.failed + s.conflicts };
