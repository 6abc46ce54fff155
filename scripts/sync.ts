// Nightly job: make sure the containers run, put every complete Telegram download into MinIO
// exactly once, then run the Django processing with docker exec.
// Usage: npx zx scripts/sync.ts [--force] [--dry-run] [--json] [--concurrency N] [--env-file PATH]
//        [--no-process | --process-always | --process-only]
import { parseFlags } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { loadConfig, secretsOf } from '../lib/config.ts';
import { createDockerRunnerFor } from '../lib/docker.ts';
import { EXIT_CODES, ProcessingError, UsageError } from '../lib/errors.ts';
import { createGate } from '../lib/gate.ts';
import { createLogger, redactError } from '../lib/log.ts';
import { createProgress } from '../lib/progress.ts';
import { createEnsureContainersStage, createProcessStage, type ProcessMode } from '../lib/processing.ts';
import { errorForSummary, formatSummary } from '../lib/report.ts';
import { createStorage } from '../lib/storage.ts';
import { runProcessingOnly, runSync } from '../lib/sync.ts';

export const HELP = `Usage: npx zx scripts/sync.ts [options]

Makes sure the SYNC_CONTAINERS run, uploads every complete file in the download directories to
the bucket exactly once, then runs PROCESS_COMMAND in DJANGO_CONTAINER with docker exec.

Options:
  --force            re-upload everything, ignoring the hash cache and the bucket
  --dry-run          change nothing (bucket, objects, cache, lock); say what would be done
  --json             print the run summary as JSON on stdout (log lines go to stderr)
  --concurrency N    uploads in parallel (overrides SYNC_CONCURRENCY)
  --env-file PATH    read settings from PATH instead of .env
  --no-process       skip the processing command
  --process-always   run the processing command even when nothing new was uploaded
  --process-only     no sync: only (re)run the processing command
  --help             show this help

Exit codes: ${Object.entries(EXIT_CODES).map(([k, v]) => `${v} ${k}`).join(', ')}`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseFlags(argv, {
    force: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    'env-file': { type: 'string' },
    'no-process': { type: 'boolean', default: false },
    'process-always': { type: 'boolean', default: false },
    'process-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if ([flags['no-process'], flags['process-always'], flags['process-only']].filter(Boolean).length > 1) {
    throw new UsageError('--no-process, --process-always and --process-only exclude each other');
  }
  if (flags.help) {
    process.stdout.write(HELP + '\n');
    return EXIT_CODES.ok;
  }
  const config = loadConfig({
    env,
    ...(flags['env-file'] ? { envFile: flags['env-file'], envFileRequired: true } : {}),
    overrides: { ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}) },
  });
  const out = flags.json ? process.stderr : process.stdout;
  const log = createLogger({ dir: config.logDir, console: out, secrets: secretsOf(config) });
  try {
    const gate = createGate({ dryRun: flags['dry-run'], log });
    const storage = createStorage(config, (e, attempt, delayMs) =>
      log.warn('retry', `request failed (${(e as Error).message}); retry ${attempt}/${config.retries} in ${delayMs} ms`),
    );
    const run = createDockerRunnerFor(config);
    const mode: ProcessMode = flags['no-process'] ? 'never' : flags['process-always'] || flags['process-only'] ? 'always' : 'auto';
    const prepare = createEnsureContainersStage({ config, run, gate, log });
    const processStage = createProcessStage({ config, run, gate, log, mode });
    if (flags['process-only']) {
      const report = await runProcessingOnly(config, { log, gate, prepare, process: processStage });
      if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      if (report.ran && report.exitCode !== 0) throw new ProcessingError(report.error ?? 'processing failed');
      if (!report.ran && !gate.dryRun) throw new UsageError(`--process-only: nothing to run (${report.reason})`);
      return EXIT_CODES.ok;
    }
    let progress: ReturnType<typeof createProgress> | undefined;
    const summary = await runSync(config, { force: flags.force }, {
      storage,
      log,
      gate,
      prepare,
      process: processStage,
      onProgress: (total) => {
        progress = createProgress(process.stderr, total);
        return (done) => progress!.update(done);
      },
    });
    progress?.finish();
    if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else out.write(formatSummary(summary) + '\n');
    const failure = errorForSummary(summary);
    if (failure) {
      log.error('run.failed', failure.message, { exitCode: failure.exitCode });
      return failure.exitCode;
    }
    return EXIT_CODES.ok;
  } catch (e) {
    throw redactError(e, secretsOf(config));
  } finally {
    log.close();
  }
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
