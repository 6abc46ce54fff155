// What scripts/install-cron.ts does: install, show or remove the nightly sync in the user's
// crontab, between marker comments (lib/cron/).
import { CONFIG_FLAGS, configFileOf } from '../args.ts';
import type { Command } from '../cli.ts';
import { PROJECT_ROOT, type ConfigOverrides } from '../config/load.ts';
import type { CrontabIO } from '../cron/crontab.ts';
import {
  buildEntry,
  cronSettings,
  describeNextRuns,
  installEntry,
  systemCrontab,
  uninstallEntry,
} from '../cron/entry.ts';
import { EXIT_CODES } from '../errors.ts';

const HELP = `Usage: npx zx scripts/install-cron.ts [options]

Installs the sync in your crontab (daily at 3:00 unless CRON_SCHEDULE or --schedule says otherwise),
between marker comments; installing again replaces it in place; your other lines are kept as they are.

Options:
  --schedule "EXPR"  five-field cron schedule or @daily/@hourly/...  (overrides CRON_SCHEDULE)
  --tz ZONE          write CRON_TZ=ZONE for the entry (overrides CRON_TZ)
  --config PATH      the installed job reads its settings from PATH instead of .env
  --print            show the entry and the next runs; install nothing (works without a configuration)
  --dry-run          show the whole crontab that would result; install nothing (likewise)
  --uninstall        remove our entry (and only it)
  --help             show this help`;

const FLAGS = {
  schedule: { type: 'string' },
  tz: { type: 'string' },
  ...CONFIG_FLAGS,
  print: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  uninstall: { type: 'boolean', default: false },
} as const;

export interface InstallCronDeps {
  readonly crontab?: CrontabIO;
  readonly out?: NodeJS.WritableStream;
  readonly now?: () => Date;
  readonly root?: string;
}

export const INSTALL_CRON: Command<typeof FLAGS, InstallCronDeps> = {
  help: HELP,
  flags: FLAGS,
  async run(flags, env, deps) {
    const out = deps.out ?? process.stdout;
    const root = deps.root ?? PROJECT_ROOT;
    const target = { root, crontab: deps.crontab ?? systemCrontab(), out, dryRun: flags['dry-run'] };
    if (flags.uninstall) {
      await uninstallEntry(target);
      return EXIT_CODES.ok;
    }
    const configFile = configFileOf(flags);
    const overrides: ConfigOverrides = {
      ...(flags.schedule !== undefined ? { CRON_SCHEDULE: { flag: '--schedule', value: flags.schedule } } : {}),
      ...(flags.tz !== undefined ? { CRON_TZ: { flag: '--tz', value: flags.tz } } : {}),
    };
    // Showing the entry needs only the schedule; installing needs a configuration the job can run with.
    const complete = !flags.print && !flags['dry-run'];
    const settings = cronSettings({ env, root, configFile, overrides, complete });
    if (settings.warning) process.stderr.write(settings.warning);
    const entry = buildEntry({ root, settings, ...(configFile ? { configFile: configFile.file } : {}) });
    out.write(`${flags.print ? '' : 'entry:\n'}${entry}`);
    out.write(describeNextRuns(settings.cronSchedule, settings.cronTz, deps.now?.()));
    if (!flags.print) await installEntry(target, entry, settings.logDir);
    return EXIT_CODES.ok;
  },
};
