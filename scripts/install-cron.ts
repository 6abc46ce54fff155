// Install, show or remove the nightly sync in the user's crontab.
// Usage: npx zx scripts/install-cron.ts [--schedule "0 3 * * *"] [--tz ZONE] [--env-file PATH] [--print | --dry-run | --uninstall]
import path from 'node:path';
import { parseFlags } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { loadConfig, PROJECT_ROOT } from '../lib/config/load.ts';
import type { CrontabIO } from '../lib/cron/crontab.ts';
import { buildEntry, describeNextRuns, installEntry, systemCrontab, uninstallEntry } from '../lib/cron/install.ts';
import { EXIT_CODES } from '../lib/errors.ts';

export const HELP = `Usage: npx zx scripts/install-cron.ts [options]

Installs the sync in your crontab (daily at 3:00 unless CRON_SCHEDULE or --schedule says otherwise),
between marker comments; installing again replaces it in place; your other lines are kept as they are.

Options:
  --schedule "EXPR"  five-field cron schedule or @daily/@hourly/...  (overrides CRON_SCHEDULE)
  --tz ZONE          write CRON_TZ=ZONE for the entry (overrides CRON_TZ)
  --env-file PATH    the installed job reads its settings from PATH instead of .env
  --print            show the entry and the next runs; install nothing
  --dry-run          show the whole crontab that would result; install nothing
  --uninstall        remove our entry (and only it)
  --help             show this help`;

export interface InstallCronDeps {
  readonly crontab?: CrontabIO;
  readonly out?: NodeJS.WritableStream;
  readonly now?: () => Date;
  readonly root?: string;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, deps: InstallCronDeps = {}): Promise<number> {
  const out = deps.out ?? process.stdout;
  const root = deps.root ?? PROJECT_ROOT;
  const flags = parseFlags(argv, {
    schedule: { type: 'string' },
    tz: { type: 'string' },
    'env-file': { type: 'string' },
    print: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    uninstall: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if (flags.help) {
    out.write(HELP + '\n');
    return EXIT_CODES.ok;
  }
  const target = { root, crontab: deps.crontab ?? systemCrontab(), out, dryRun: flags['dry-run'] };
  if (flags.uninstall) {
    await uninstallEntry(target);
    return EXIT_CODES.ok;
  }

  const envFile = flags['env-file'] ? path.resolve(flags['env-file']) : undefined;
  const overrides = flags.schedule !== undefined ? { CRON_SCHEDULE: { flag: '--schedule', value: flags.schedule } } : {};
  const config = loadConfig({ env, root, ...(envFile ? { envFile, envFileRequired: true } : {}), overrides });
  const tz = (flags.tz ?? config.cronTz).trim();
  const scheduleFrom = flags.schedule !== undefined ? '--schedule' : tz && flags.tz ? '--tz' : 'CRON_SCHEDULE';
  const entry = buildEntry({ root, config, tz, scheduleFrom, ...(envFile ? { envFile } : {}) });
  out.write(`${flags.print ? '' : 'entry:\n'}${entry}`);
  out.write(describeNextRuns(config.cronSchedule, tz, deps.now?.()));
  if (!flags.print) await installEntry(target, entry, config.logDir);
  return EXIT_CODES.ok;
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
