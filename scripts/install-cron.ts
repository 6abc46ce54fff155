// Install, show or remove the nightly sync in the user's crontab.
// Usage: npx zx scripts/install-cron.ts [--schedule "0 3 * * *"] [--tz ZONE] [--env-file PATH] [--print | --dry-run | --uninstall]
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { loadConfig, PROJECT_ROOT } from '../lib/config.ts';
import { createCrontabIO, hasBlock, loadTemplate, removeBlock, renderEntry, upsertBlock, type CrontabIO } from '../lib/crontab.ts';
import { ConfigError, EXIT_CODES } from '../lib/errors.ts';
import { checkSchedule, cronHonoursCronTz, formatInZone, nextRuns, systemTimeZone } from '../lib/schedule.ts';

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

const SAFE_PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export interface InstallCronDeps {
  readonly crontab?: CrontabIO;
  readonly out?: NodeJS.WritableStream;
  readonly now?: () => Date;
  readonly root?: string;
}

function defaultCrontab(): CrontabIO {
  return createCrontabIO((file, args, options) => execa(file, args, { reject: false, stripFinalNewline: false, ...(options?.input !== undefined ? { input: options.input } : {}) }));
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
  const crontab = deps.crontab ?? defaultCrontab();

  if (flags.uninstall) {
    const current = await crontab.read();
    if (!hasBlock(current, root)) {
      out.write(`no telegram-sync entry for ${root} in the crontab; nothing to remove\n`);
      return EXIT_CODES.ok;
    }
    const next = removeBlock(current, root);
    if (flags['dry-run']) {
      out.write(`[dry-run] the crontab would become:\n${next || '(empty: the crontab would be removed)\n'}`);
    } else if (next === '') {
      await crontab.remove();
      out.write('removed the telegram-sync entry (the crontab is now empty and was removed)\n');
    } else {
      await crontab.write(next);
      out.write('removed the telegram-sync entry; the rest of the crontab is unchanged\n');
    }
    return EXIT_CODES.ok;
  }

  const envFile = flags['env-file'] ? path.resolve(flags['env-file']) : undefined;
  const config = loadConfig({ env, root, ...(envFile ? { envFile, envFileRequired: true } : {}), overrides: flags.schedule !== undefined ? { cronSchedule: flags.schedule } : {} });
  const tz = (flags.tz ?? config.cronTz).trim();
  const check = checkSchedule(config.cronSchedule, tz || undefined);
  if (!check.ok) throw new ConfigError([`${flags.schedule !== undefined ? '--schedule' : tz && flags.tz ? '--tz' : 'CRON_SCHEDULE'}: ${check.problem}`], 'Invalid schedule');

  const nodeDir = path.dirname(process.execPath);
  const entry = renderEntry(loadTemplate(root), {
    project: root,
    schedule: config.cronSchedule,
    ...(tz ? { tz } : {}),
    node: process.execPath,
    path: [...new Set([nodeDir, ...SAFE_PATH_DIRS])].join(':'),
    logFile: path.join(config.logDir, 'cron.log'),
    args: envFile ? ['--env-file', envFile] : [],
  });

  const honoured = !tz || cronHonoursCronTz();
  const zone = tz && honoured ? tz : systemTimeZone();
  out.write(`${flags.print ? '' : 'entry:\n'}${entry}`);
  out.write(`next five runs (${zone}${tz && !honoured ? `; CRON_TZ=${tz} is written, but this machine's cron ignores CRON_TZ and uses the system zone` : ''}):\n`);
  for (const d of nextRuns(config.cronSchedule, { tz: zone, ...(deps.now ? { from: deps.now() } : {}) })) out.write(`  ${formatInZone(d, zone)}\n`);
  if (flags.print) return EXIT_CODES.ok;

  const current = await crontab.read();
  const next = upsertBlock(current, entry, root);
  if (flags['dry-run']) {
    out.write(`[dry-run] the crontab would become:\n${next}`);
    return EXIT_CODES.ok;
  }
  fs.mkdirSync(config.logDir, { recursive: true });
  await crontab.write(next);
  const installed = await crontab.read();
  if (!installed.includes(entry)) throw new ConfigError(['crontab: the installed table does not contain the entry; check `crontab -l`'], 'Install not confirmed');
  out.write(`${hasBlock(current, root) ? 'replaced' : 'installed'} the telegram-sync entry; job output goes to ${path.join(config.logDir, 'cron.log')}\n`);
  return EXIT_CODES.ok;
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
