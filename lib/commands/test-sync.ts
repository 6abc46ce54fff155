// What scripts/test-sync.ts does: optionally run a sync, then check the bucket, the database and
// the schedule (lib/health/), print the report, write the status page, notify; exit 8 unless healthy.
import os from 'node:os';
import path from 'node:path';
import { CONFIG_FLAGS, configFileOf } from '../args.ts';
import type { Command } from '../cli.ts';
import { configFileOptions, loadConfig, secretsOf, type ConfigOverrides } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { EXIT_CODES } from '../errors.ts';
import { formatHealth, type HealthReport } from '../health/checks.ts';
import { runHealthCheck } from '../health/health-check.ts';
import { createLogger } from '../log/logger.ts';
import { createMonitor } from '../monitor/monitor.ts';
import { outcomeOfHealth } from '../monitor/outcome.ts';
import { writeStatusPage } from '../monitor/status-page.ts';
import { readRunRecords } from '../report/records.ts';
import { logConfigWarnings } from './wiring.ts';

const HELP = `Usage: npx zx scripts/test-sync.ts [options]

Runs a sync, then checks: MinIO (recent objects; every object uploaded by this run, and by the
other runs within the window, there with the right size and sha256), the database (rows read
through Django in DJANGO_CONTAINER; each of those objects has its row) and the schedule (the last
successful sync is recent). Exit 0 only if all pass; exit 8 when a check fails (2: bad configuration).

Options:
  --no-sync          do not run a sync; check the last recorded run
  --since DURATION   window for "recent" objects and rows, e.g. 24h, 90m, 2d (HEALTH_WINDOW_HOURS)
  --max-age DURATION the last successful sync must be newer than this (HEALTH_MAX_AGE_HOURS)
  --json             print the report as JSON
  --html FILE        also write the status page to FILE: one self-contained HTML file (the checks,
                     the last 30 runs, uploads per day over 30 days, the failures)
  --config PATH      read settings from PATH instead of .env (relative to the current folder)
  --help             show this help`;

const FLAGS = {
  'no-sync': { type: 'boolean', default: false },
  since: { type: 'string' },
  'max-age': { type: 'string' },
  json: { type: 'boolean', default: false },
  html: { type: 'string' },
  ...CONFIG_FLAGS,
} as const;

export const TEST_SYNC: Command<typeof FLAGS, { readonly out?: NodeJS.WritableStream }> = {
  help: HELP,
  flags: FLAGS,
  async run(flags, env) {
    const configFile = configFileOf(flags);
    const overrides: ConfigOverrides = {
      ...(flags.since !== undefined ? { HEALTH_WINDOW_HOURS: { flag: '--since', value: flags.since } } : {}),
      ...(flags['max-age'] !== undefined
        ? { HEALTH_MAX_AGE_HOURS: { flag: '--max-age', value: flags['max-age'] } }
        : {}),
    };
    const config = loadConfig({ env, ...configFileOptions(configFile), overrides });
    const log = createLogger({
      dir: config.logDir,
      console: process.stderr,
      secrets: secretsOf(config),
      name: 'telegram_sync_health',
    });
    try {
      logConfigWarnings(config, log);
      const report = await checkAndShow(config, flags, env, configFile?.file);
      const exitCode = report.healthy ? EXIT_CODES.ok : EXIT_CODES.unhealthy;
      await createMonitor(config, { log }).afterRun(outcomeOfHealth(report, exitCode));
      return exitCode;
    } finally {
      log.close();
    }
  },
};

// The checks, printed (or as JSON), and the status page if one was asked for.
async function checkAndShow(
  config: Config,
  flags: { readonly 'no-sync': boolean; readonly json: boolean; readonly html?: string | undefined },
  env: NodeJS.ProcessEnv,
  configFile: string | undefined,
): Promise<HealthReport> {
  // The sync it runs is checked here: only test-sync's own verdict is notified.
  const syncEnv = { ...env, NOTIFY_TELEGRAM_BOT_TOKEN: '', NOTIFY_TELEGRAM_CHAT_ID: '', NOTIFY_WEBHOOK_URL: '' };
  const report = await runHealthCheck(config, {
    env: syncEnv,
    ...(configFile ? { configFile } : {}),
    sync: !flags['no-sync'],
    showSyncOutput: !flags.json,
  });
  process.stdout.write((flags.json ? JSON.stringify(report, null, 2) : formatHealth(report)) + '\n');
  if (flags.html)
    writeStatusPage(path.resolve(flags.html), {
      generatedAt: new Date(),
      records: readRunRecords(config.logDir),
      checks: report.checks,
      host: os.hostname(),
      sources: config.sources,
    });
  return report;
}
