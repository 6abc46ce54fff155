// What scripts/sync.ts does: the nightly job (make sure the containers run, sync, process,
// report), --process-only, or --watch. Its flag rules are here; the stages are in lib/sync/.
import path from 'node:path';
import { CONFIG_FLAGS, configFileOf, type ParsedFlags } from '../args.ts';
import type { Command } from '../cli.ts';
import { configFileOptions, loadConfig, secretsOf } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { createDockerRunnerFor } from '../docker/runner.ts';
import { createEnsureContainersStage, createProcessStage, type ProcessMode } from '../docker/process-stage.ts';
import { describeError, EXIT_CODES, ProcessingError, UsageError } from '../errors.ts';
import { createGate, type Gate } from '../gate.ts';
import { owedFileFor, owedWriter } from '../sync/process/owed.ts';
import { createLogger, redactError, type Logger } from '../log/logger.ts';
import { createMonitor, type Monitor } from '../monitor/monitor.ts';
import { outcomeOfError, outcomeOfRun } from '../monitor/outcome.ts';
import { startWatchMonitorServer } from '../monitor/server.ts';
import { createProgress, type Progress } from '../progress.ts';
import { errorForSummary } from '../report/exit.ts';
import type { RunSummary } from '../report/summary.ts';
import { formatSummary } from '../report/summary-text.ts';
import { createStorage } from '../storage/client.ts';
import type { ProcessStage } from '../sync/process/processing.ts';
import { runSync } from '../sync/run.ts';
import { runProcessingOnly } from '../sync/process/processing.ts';
import { newRunId } from '../report/records.ts';
import { watchUntilSignalled } from '../watch/signals.ts';

const HELP = `Usage: npx zx scripts/sync.ts [options]

Makes sure the SYNC_CONTAINERS run, uploads every complete file in the download directories to
the bucket exactly once, then runs PROCESS_COMMAND in DJANGO_CONTAINER with docker exec.

Options:
  --force            re-upload everything, ignoring the hash cache and the bucket
  --import-legacy-cache PATH
                     the old sync_telegram_files' file_hashes.json: where it put each file (a hint)
  --prune-old-keys   after a file's object is copied to its new key, remove the old key
  --dry-run          change nothing (bucket, objects, cache, lock); say what would be done
  --json             print the run summary as JSON on stdout (log lines go to stderr)
  --concurrency N    uploads in parallel (overrides SYNC_CONCURRENCY)
  --config PATH      read settings from PATH instead of .env (relative to the current folder)
  --no-process       skip the processing command
  --process-always   run the processing command even when nothing new was uploaded
  --process-only     no sync: only (re)run the processing command
  --watch            keep running: sync each file as soon as it is complete (a full rescan at
                     start and every SYNC_WATCH_RESCAN_MINUTES; processing debounced by
                     PROCESS_DEBOUNCE_SECONDS); SIGTERM/SIGINT stop it, SIGHUP rescans now
  --help             show this help

Exit codes: ${Object.entries(EXIT_CODES)
  .map(([k, v]) => `${v} ${k}`)
  .join(', ')}`;

const FLAGS = {
  force: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  'import-legacy-cache': { type: 'string' },
  'prune-old-keys': { type: 'boolean', default: false },
  ...CONFIG_FLAGS,
  'no-process': { type: 'boolean', default: false },
  'process-always': { type: 'boolean', default: false },
  'process-only': { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
} as const;

type Flags = ParsedFlags<typeof FLAGS>;

// The flags that exclude each other, checked before anything is read.
export function checkSyncFlags(flags: Flags): void {
  const processFlags = [flags['no-process'], flags['process-always'], flags['process-only']];
  if (processFlags.filter(Boolean).length > 1) {
    throw new UsageError('--no-process, --process-always and --process-only exclude each other');
  }
  const oneShotOnly = [
    'force',
    'dry-run',
    'json',
    'process-only',
    'process-always',
    'import-legacy-cache',
    'prune-old-keys',
  ] as const;
  const notWithWatch = oneShotOnly.filter((f) => flags[f]);
  if (flags.watch && notWithWatch.length) {
    throw new UsageError(`--watch does not go with ${notWithWatch.map((f) => `--${f}`).join(', ')}`);
  }
}

interface Wiring {
  readonly config: Config;
  readonly flags: Flags;
  readonly log: Logger;
  readonly gate: Gate;
  readonly prepare: () => Promise<void>;
  readonly process: ProcessStage;
  // Notes each new object as owed processing (when DJANGO_CONTAINER is set).
  readonly owe?: (key: string) => void;
  // Metrics and notifications after each run (none for a dry run).
  readonly monitor?: Monitor;
}

export const SYNC: Command<typeof FLAGS, { readonly out?: NodeJS.WritableStream }> = {
  help: HELP,
  flags: FLAGS,
  async run(flags, env) {
    checkSyncFlags(flags);
    const overrides =
      flags.concurrency !== undefined ? { SYNC_CONCURRENCY: { flag: '--concurrency', value: flags.concurrency } } : {};
    const config = loadConfig({ env, ...configFileOptions(configFileOf(flags)), overrides });
    const runId = newRunId(new Date());
    const console = flags.json ? process.stderr : process.stdout;
    const log = createLogger({ dir: config.logDir, console, secrets: secretsOf(config), runId });
    const monitor = flags['dry-run'] ? undefined : createMonitor(config, { log, watch: flags.watch });
    const owed = config.docker.djangoContainer ? owedWriter(owedFileFor(config)) : undefined;
    try {
      const w = wire(config, flags, log, monitor, owed);
      if (flags.watch) return await watchMode(w);
      return flags['process-only'] ? await processOnly(w) : await syncAndProcess(w, runId);
    } catch (e) {
      const error = redactError(e, secretsOf(config));
      // A usage mistake is answered on the terminal; everything else a run can meet is notified.
      if (monitor && !flags.watch && !(error instanceof UsageError))
        await monitor.afterRun(outcomeOfError('sync', error));
      throw error;
    } finally {
      owed?.close();
      log.close();
    }
  },
};

function wire(
  config: Config,
  flags: Flags,
  log: Logger,
  monitor: Monitor | undefined,
  owed: { add(key: string): void } | undefined,
): Wiring {
  const gate = createGate({ dryRun: flags['dry-run'], log });
  const run = createDockerRunnerFor(config);
  const always = flags['process-always'] || flags['process-only'];
  const mode: ProcessMode = flags['no-process'] ? 'never' : always ? 'always' : 'auto';
  return {
    config,
    flags,
    log,
    gate,
    prepare: createEnsureContainersStage({ config, run, gate, log }),
    process: createProcessStage({ config, run, gate, log, mode }),
    ...(owed ? { owe: (key: string) => owed.add(key) } : {}),
    ...(monitor ? { monitor } : {}),
  };
}

async function watchMode(w: Wiring): Promise<number> {
  const { config, log } = w;
  const storage = storageFor(config, log);
  const monitor = w.monitor!;
  const server = config.monitor.listen ? await startWatchMonitorServer(config, monitor, log) : undefined;
  const onRun = (summary: RunSummary | undefined, error?: unknown) =>
    void monitor.afterRun(
      summary
        ? outcomeOfRun('watch', summary, errorForSummary(summary)?.exitCode ?? EXIT_CODES.ok)
        : outcomeOfError('watch', redactError(error, secretsOf(config))),
    );
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

async function processOnly(w: Wiring): Promise<number> {
  const report = await runProcessingOnly(w.config, {
    log: w.log,
    gate: w.gate,
    prepare: w.prepare,
    process: w.process,
  });
  if (w.flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  if (report.ran && report.exitCode !== 0) throw new ProcessingError(report.error ?? 'processing failed');
  if (!report.ran && !w.gate.dryRun) throw new UsageError(`--process-only: nothing to run (${report.reason})`);
  return EXIT_CODES.ok;
}

async function syncAndProcess(w: Wiring, runId: string): Promise<number> {
  const { config, log } = w;
  const storage = storageFor(config, log);
  let progress: Progress | undefined;
  const legacy = w.flags['import-legacy-cache'];
  const options = {
    force: w.flags.force,
    runId,
    pruneOldKeys: w.flags['prune-old-keys'],
    ...(legacy ? { legacyCacheFile: path.resolve(legacy) } : {}),
  };
  const summary = await runSync(config, options, {
    storage,
    log,
    gate: w.gate,
    prepare: w.prepare,
    process: w.process,
    ...(w.owe ? { owe: w.owe } : {}),
    onProgress: (total) => {
      progress = createProgress(process.stderr, total);
      return (done) => progress!.update(done);
    },
  });
  progress?.finish();
  if (w.flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else process.stdout.write(formatSummary(summary) + '\n');
  const failure = errorForSummary(summary);
  await w.monitor?.afterRun(outcomeOfRun('sync', summary, failure?.exitCode ?? EXIT_CODES.ok));
  if (!failure) return EXIT_CODES.ok;
  log.write({ kind: 'run.failed', error: failure.message, exitCode: failure.exitCode });
  return failure.exitCode;
}

// The bucket, every retry logged.
function storageFor(config: Config, log: Logger) {
  return createStorage(config, (e, attempt, delayMs) =>
    log.write({ kind: 'retry', error: describeError(e), attempt, retries: config.retries, delayMs }),
  );
}
