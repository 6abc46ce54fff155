// What scripts/sync.ts does: the nightly job (make sure the containers run, sync, process,
// report), --process-only, or --watch. Its flag rules are here; the stages are in lib/sync/.
import { CONFIG_FLAGS, configFileOf, type ParsedFlags } from '../args.ts';
import type { Command } from '../cli.ts';
import { configFileOptions, loadConfig, secretsOf, type LoadConfigOptions } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { createEnsureContainersStage, createProcessStage, type ProcessMode } from '../docker/process-stage.ts';
import { createDockerRunnerFor } from '../docker/runner.ts';
import { ConfigError, EXIT_CODES, ProcessingError, UsageError } from '../errors.ts';
import { createGate } from '../gate.ts';
import { createLogger, redactError, type Logger } from '../log/logger.ts';
import { createMonitor, type Monitor } from '../monitor/monitor.ts';
import { outcomeOfError } from '../monitor/outcome.ts';
import { newRunId } from '../report/records.ts';
import { owedFileFor, owedWriter } from '../sync/process/owed.ts';
import { runProcessingOnly } from '../sync/process/processing.ts';
import { runCheck } from './check-mode.ts';
import { runOneShot } from './one-shot.ts';
import { recordStartFailure } from './start-failure.ts';
import { watchMode } from './watch-mode.ts';
import { logConfigWarnings, type Wiring } from './wiring.ts';

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
  --verbose          on a terminal, print every log line (by default a terminal gets progress,
                     warnings, errors and the summary; the log file always gets every line)
  --concurrency N    uploads in parallel (overrides SYNC_CONCURRENCY)
  --config PATH      read settings from PATH instead of .env (relative to the current folder)
  --no-process       skip the processing command
  --process-always   run the processing command even when nothing new was uploaded
  --process-only     no sync: only (re)run the processing command
  --check            change nothing: say which local files the bucket holds as they are (size
                     and content), which are missing or different, and which objects have no
                     local file; exit 15 when a local file is missing or different
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
  verbose: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  'import-legacy-cache': { type: 'string' },
  'prune-old-keys': { type: 'boolean', default: false },
  ...CONFIG_FLAGS,
  'no-process': { type: 'boolean', default: false },
  'process-always': { type: 'boolean', default: false },
  'process-only': { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  check: { type: 'boolean', default: false },
} as const;

type Flags = ParsedFlags<typeof FLAGS>;

// The flags that exclude each other, checked before anything is read.
export function checkSyncFlags(flags: Flags): void {
  const processFlags = [flags['no-process'], flags['process-always'], flags['process-only']];
  if (processFlags.filter(Boolean).length > 1) {
    throw new UsageError('--no-process, --process-always and --process-only exclude each other');
  }
  excludes(flags, 'watch', ONE_SHOT_ONLY, '--watch');
  excludes(flags, 'check', CHANGING, '--check (which changes nothing)');
}

// What a one-shot run does that a watch does not.
const ONE_SHOT_ONLY = [
  'force',
  'dry-run',
  'json',
  'process-only',
  'process-always',
  'import-legacy-cache',
  'prune-old-keys',
] as const;

// What does or may change something (--check changes nothing).
const CHANGING = [
  'watch',
  'force',
  'dry-run',
  'process-only',
  'process-always',
  'no-process',
  'import-legacy-cache',
  'prune-old-keys',
] as const;

// `flag`, when given, goes with none of `others`.
function excludes(flags: Flags, flag: keyof Flags, others: ReadonlyArray<keyof Flags>, name: string): void {
  const given = others.filter((f) => flags[f]);
  if (flags[flag] && given.length) {
    throw new UsageError(`${name} does not go with ${given.map((f) => `--${f}`).join(', ')}`);
  }
}

export const SYNC: Command<typeof FLAGS, { readonly out?: NodeJS.WritableStream }> = {
  help: HELP,
  flags: FLAGS,
  async run(flags, env) {
    checkSyncFlags(flags);
    const overrides =
      flags.concurrency !== undefined ? { SYNC_CONCURRENCY: { flag: '--concurrency', value: flags.concurrency } } : {};
    const load = { env, ...configFileOptions(configFileOf(flags)), overrides };
    if (flags.check) {
      const config = loadConfig(load);
      const log = createLogger({ console: process.stderr, secrets: secretsOf(config) }); // --check writes no log file
      return runCheck(config, logConfigWarnings(config, log), flags.json);
    }
    const config = await loadOrRecord(load, !flags['dry-run']);
    const runId = newRunId(new Date());
    const console = flags.json ? process.stderr : process.stdout;
    // A terminal gets progress, warnings, errors and the summary; cron (no TTY) and --verbose every line.
    const quiet = !flags.verbose && Boolean((console as NodeJS.WriteStream).isTTY);
    const consoleLevel = quiet ? ('warn' as const) : ('info' as const);
    const logger = createLogger({ dir: config.logDir, console, consoleLevel, secrets: secretsOf(config), runId });
    const log = logConfigWarnings(config, logger);
    const monitor = flags['dry-run'] ? undefined : createMonitor(config, { log, watch: flags.watch });
    const owed = config.docker.djangoContainer ? owedWriter(owedFileFor(config)) : undefined;
    try {
      const w = { ...wire(config, flags, log, monitor, owed), statusLine: quiet && flags.watch };
      if (flags.watch) return await watchMode(w);
      if (flags['process-only']) return await processOnly(w);
      const legacy = flags['import-legacy-cache'];
      const run = { runId, force: flags.force, pruneOldKeys: flags['prune-old-keys'] };
      return await runOneShot(w, { ...run, ...(legacy ? { legacyCacheFile: legacy } : {}) });
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
    json: flags.json,
    log,
    gate,
    prepare: createEnsureContainersStage({ config, run, gate, log }),
    process: createProcessStage({ config, run, gate, log, mode }),
    ...(owed ? { owe: (key: string) => owed.add(key) } : {}),
    ...(monitor ? { monitor } : {}),
  };
}

async function processOnly(w: Wiring): Promise<number> {
  const report = await runProcessingOnly(w.config, {
    log: w.log,
    gate: w.gate,
    prepare: w.prepare,
    process: w.process,
  });
  if (w.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  if (report.ran && report.exitCode !== 0) throw new ProcessingError(report.error ?? 'processing failed');
  if (!report.ran && !w.gate.dryRun) throw new UsageError(`--process-only: nothing to run (${report.reason})`);
  return EXIT_CODES.ok;
}

// The configuration; one that does not load ends the run here, recorded and notified first (a
// dry run only says it).
async function loadOrRecord(load: LoadConfigOptions, record: boolean): Promise<Config> {
  try {
    return loadConfig(load);
  } catch (e) {
    if (record && e instanceof ConfigError) await recordStartFailure(e, load);
    throw e;
  }
}
