// Health check: run a sync, then check MinIO, the database and the schedule; say plainly
// whether the pipeline is healthy. Exit 0 only when every check passes.
// Usage: npx zx scripts/test-sync.ts [--no-sync] [--since 24h] [--max-age 26h] [--json] [--html FILE] [--config PATH]
import { CONFIG_FLAGS, configFileOf, parseFlags } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import os from 'node:os';
import path from 'node:path';
import { configFileOptions, loadConfig, secretsOf, type ConfigOverrides } from '../lib/config/load.ts';
import { createLogger } from '../lib/log/logger.ts';
import { createMonitor } from '../lib/monitor/monitor.ts';
import { outcomeOfHealth } from '../lib/monitor/outcome.ts';
import { writeStatusPage } from '../lib/monitor/status-page.ts';
import { readRunRecords } from '../lib/report/records.ts';
import { EXIT_CODES } from '../lib/errors.ts';
import { formatHealth } from '../lib/health/checks.ts';
import { runHealthCheck } from '../lib/health/health-check.ts';

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
  --html FILE        also write the status page to FILE: one self-contained HTML file (the checks,
                     the last 30 runs, uploads per day over 30 days, the failures)
  --config PATH      read settings from PATH instead of .env (relative to the current folder)
  --help             show this help`;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseFlags(argv, {
    'no-sync': { type: 'boolean', default: false },
    since: { type: 'string' },
    'max-age': { type: 'string' },
    json: { type: 'boolean', default: false },
    html: { type: 'string' },
    ...CONFIG_FLAGS,
    help: { type: 'boolean', default: false },
  });
  if (flags.help) {
    process.stdout.write(HELP + '\n');
    return EXIT_CODES.ok;
  }
  const configFile = configFileOf(flags);
  const overrides: ConfigOverrides = {
    ...(flags.since !== undefined ? { HEALTH_WINDOW_HOURS: { flag: '--since', value: flags.since } } : {}),
    ...(flags['max-age'] !== undefined ? { HEALTH_MAX_AGE_HOURS: { flag: '--max-age', value: flags['max-age'] } } : {}),
  };
  const config = loadConfig({ env, ...configFileOptions(configFile), overrides });
  // The sync it runs is checked here: only test-sync's own verdict is notified.
  const syncEnv = { ...env, NOTIFY_TELEGRAM_BOT_TOKEN: '', NOTIFY_TELEGRAM_CHAT_ID: '', NOTIFY_WEBHOOK_URL: '' };
  const report = await runHealthCheck(config, { env: syncEnv, ...(configFile ? { configFile: configFile.file } : {}), sync: !flags['no-sync'], showSyncOutput: !flags.json });
  process.stdout.write((flags.json ? JSON.stringify(report, null, 2) : formatHealth(report)) + '\n');
  if (flags.html) writeStatusPage(path.resolve(flags.html), { generatedAt: new Date(), records: readRunRecords(config.logDir), checks: report.checks, host: os.hostname() });
  const exitCode = report.healthy ? EXIT_CODES.ok : EXIT_CODES.unhealthy;
  const log = createLogger({ dir: config.logDir, console: process.stderr, secrets: secretsOf(config), name: 'telegram_sync_health' });
  await createMonitor(config, { log }).afterRun(outcomeOfHealth(report, exitCode)).finally(() => log.close());
  return exitCode;
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
