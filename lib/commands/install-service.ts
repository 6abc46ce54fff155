// What scripts/install-service.ts does: render watch mode's systemd unit for this project,
// verify it, write it where systemd looks and have systemctl load and (re)start it (lib/systemd/).
import os from 'node:os';
import { CONFIG_FLAGS, configFileOf } from '../args.ts';
import type { Command } from '../cli.ts';
import { loadKeysForInstall, PROJECT_ROOT } from '../config/load.ts';
import { EXIT_CODES, UsageError } from '../errors.ts';
import { installUnit, realRunner, uninstallUnit, type Runner } from '../systemd/systemctl.ts';
import { defaultUnitDir, loadUnitTemplate, renderUnit, type ServiceScope } from '../systemd/unit.ts';

const HELP = `Usage: npx zx scripts/install-service.ts [options]

Runs \`sync --watch\` as a systemd service: renders systemd/telegram-sync.service for this project,
checks it with \`systemd-analyze verify\`, writes it where systemd looks, then runs
\`systemctl daemon-reload\`, \`enable\` and \`restart\`. Installing again replaces it.
Choose the service for near-real-time uploads, the cron job (install-cron) for one run a night.

Options:
  --system           a system unit in /etc/systemd/system (the default when run as root)
  --user             a user unit in ~/.config/systemd/user, run by \`systemctl --user\` (the default otherwise)
  --name UNIT        the unit's name (default telegram-sync.service; one per checkout)
  --run-as USER      system units only: the account the job runs as (default: $SUDO_USER; required
                     otherwise: --run-as root for a unit that runs as root)
  --config PATH      the service reads its settings from PATH instead of .env
  --unit-dir DIR     write the unit into DIR instead of systemd's folder
  --no-start         enable it without starting it now
  --print            show the unit; install nothing (works without a configuration)
  --dry-run          verify the unit and show what would be written and run; install nothing
  --uninstall        stop, disable and remove the unit
  --help             show this help`;

export interface InstallServiceDeps {
  readonly systemctl?: Runner;
  readonly out?: NodeJS.WritableStream;
  readonly root?: string;
  readonly uid?: number;
}

const FLAGS = {
  system: { type: 'boolean', default: false },
  user: { type: 'boolean', default: false },
  name: { type: 'string', default: 'telegram-sync.service' },
  'run-as': { type: 'string' },
  ...CONFIG_FLAGS,
  'unit-dir': { type: 'string' },
  'no-start': { type: 'boolean', default: false },
  print: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  uninstall: { type: 'boolean', default: false },
} as const;

// The account a system unit runs as: --run-as, else the user who ran sudo. A root unit only when
// asked for by name: the sync needs no privilege, and root would own its state files.
function runAsOf(
  given: string | undefined,
  scope: ServiceScope,
  env: NodeJS.ProcessEnv,
  uninstall: boolean,
): string | undefined {
  if (given !== undefined || scope === 'user' || uninstall) return given === 'root' ? undefined : given;
  if (env.SUDO_USER && env.SUDO_USER !== 'root') return env.SUDO_USER;
  throw new UsageError(
    'a system unit would run the sync as root: give --run-as USER (the account that owns the downloads ' +
      'and the state folder), or --run-as root if that is what you want',
  );
}

export const INSTALL_SERVICE: Command<typeof FLAGS, InstallServiceDeps> = {
  help: HELP,
  flags: FLAGS,
  async run(flags, env, deps) {
    const out = deps.out ?? process.stdout;
    const root = deps.root ?? PROJECT_ROOT;
    if (flags.system && flags.user) throw new UsageError('--system and --user: give one');
    if (!/^[A-Za-z0-9:_.@-]+\.service$/.test(flags.name))
      throw new UsageError(`--name: expected a unit name ending in .service, got ${JSON.stringify(flags.name)}`);
    const scope: ServiceScope =
      flags.system || (!flags.user && (deps.uid ?? process.getuid?.() ?? 1) === 0) ? 'system' : 'user';
    if (flags['run-as'] !== undefined && scope === 'user')
      throw new UsageError('--run-as: a user unit runs as its user; use --system');
    const runAs = runAsOf(flags['run-as'], scope, env, flags.uninstall);
    const target = {
      unit: flags.name,
      scope,
      out,
      dryRun: flags['dry-run'],
      unitDir: flags['unit-dir'] ?? defaultUnitDir(scope, env, os.homedir()),
      systemctl: deps.systemctl ?? realRunner,
      analyze: realRunner,
    };
    if (flags.uninstall) {
      await uninstallUnit(target);
      return EXIT_CODES.ok;
    }
    const configFile = configFileOf(flags);
    const { values, warning } = loadKeysForInstall(['SYNC_STOP_TIMEOUT_SECONDS', 'SYNC_LOG_DIR'], {
      env,
      root,
      configFile,
      overrides: {},
      complete: !flags.print,
    });
    if (warning) process.stderr.write(warning);
    const text = renderUnit(loadUnitTemplate(root), {
      project: root,
      unit: flags.name,
      scope,
      node: process.execPath,
      args: configFile ? ['--config', configFile.file] : [],
      stopTimeoutMs: values.SYNC_STOP_TIMEOUT_SECONDS,
      logDir: values.SYNC_LOG_DIR,
      ...(runAs ? { runAs } : {}),
    });
    if (flags.print) out.write(text);
    else await installUnit(target, text, !flags['no-start']);
    return EXIT_CODES.ok;
  },
};
