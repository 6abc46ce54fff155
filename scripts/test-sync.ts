// Health check: run a sync, then check MinIO, the database and the schedule; say plainly
// whether the pipeline is healthy. Exit 0 only when every check passes.
// Usage: npx zx scripts/test-sync.ts [--no-sync] [--since 24h] [--max-age 26h] [--json] [--env-file PATH]
import path from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { loadConfig, PROJECT_ROOT } from '../lib/config.ts';
import { createDockerRunnerFor } from '../lib/docker.ts';
import { EXIT_CODES } from '../lib/errors.ts';
import { checkDatabase, checkSchedule, checkStorage, formatHealth, type CheckResult, type HealthReport } from '../lib/health.ts';
import { readRunRecords, uploadedWithin, type RunSummary } from '../lib/report.ts';
import { createStorage } from '../lib/storage.ts';

export const HELP = `Usage: npx zx scripts/test-sync.ts [options]

Runs a sync, then checks: MinIO (recent objects; every object uploaded by this run, and by the
other runs within the window, there with the right size and sha256), the database (rows read
through Django in DJANGO_CONTAINER; each of those objects has its row) and the schedule (the last
successful sync is recent). Exit 0 only if all pass.

Options:
  --no-sync          do not run a sync; check the last recorded run
  --since DURATION   window for "recent" objects and rows, e.g. 24h, 90m, 2d (HEALTH_WINDOW_HOURS)
  --max-age DURATION the last successful sync must be newer than this (HEALTH_MAX_AGE_HOURS)
  --json             print the report as JSON
  --env-file PATH    read settings from PATH instead of .env
  --help             show this help`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseFlags(argv, {
    'no-sync': { type: 'boolean', default: false },
    since: { type: 'string' },
    'max-age': { type: 'string' },
    json: { type: 'boolean', default: false },
    'env-file': { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (flags.help) {
    process.stdout.write(HELP + '\n');
    return EXIT_CODES.ok;
  }
  const envFile = flags['env-file'] ? path.resolve(flags['env-file']) : undefined;
  const config = loadConfig({
    env,
    ...(envFile ? { envFile, envFileRequired: true } : {}),
    overrides: { ...(flags.since !== undefined ? { healthWindow: flags.since } : {}), ...(flags['max-age'] !== undefined ? { healthMaxAge: flags['max-age'] } : {}) },
  });
  const checks: CheckResult[] = [];
  let run: RunSummary | undefined;
  if (!flags['no-sync']) {
    const r = await execa(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--json', ...(envFile ? ['--env-file', envFile] : [])], {
      cwd: PROJECT_ROOT,
      env,
      reject: false,
      stderr: flags.json ? 'pipe' : 'inherit',
    });
    try {
      run = JSON.parse(String(r.stdout)) as RunSummary;
    } catch {
      run = undefined;
    }
    checks.push({
      name: 'sync',
      status: r.exitCode === 0 ? 'pass' : 'fail',
      detail: `scripts/sync.ts exited ${r.exitCode}${run ? `: ${run.uploaded} uploaded, ${run.failed} failed, processing ${run.processing?.ran ? `exit ${run.processing.exitCode}` : 'not run'} (run ${run.runId})` : ''}`,
    });
  }
  const records = readRunRecords(config.logDir);
  run ??= [...records].reverse().find((r) => !r.dryRun && r.status !== 'error');
  const now = new Date();
  const uploaded = uploadedWithin(records, run, now.getTime() - config.health.windowMs);
  checks.push(await checkStorage(createStorage(config), config.storage.prefix, uploaded, config.health.windowMs, now));
  checks.push(await checkDatabase(config, createDockerRunnerFor(config, env), uploaded.map((u) => u.key), config.health.windowMs));
  checks.push(checkSchedule(records, config.health.maxAgeMs, now));
  const report: HealthReport = { healthy: checks.every((c) => c.status !== 'fail'), checks };
  process.stdout.write((flags.json ? JSON.stringify(report, null, 2) : formatHealth(report)) + '\n');
  return report.healthy ? EXIT_CODES.ok : EXIT_CODES.unhealthy;
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
