// The systemd unit for watch mode: the template in systemd/, filled in with this project's paths.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ServiceError } from '../errors.ts';

export const UNIT_TEMPLATE_FILE = 'systemd/telegram-sync.service';
const SAFE_PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export type ServiceScope = 'system' | 'user';

export interface UnitParams {
  readonly project: string;
  readonly unit: string;
  readonly scope: ServiceScope;
  readonly node: string;
  readonly args: readonly string[];
  readonly stopTimeoutMs: number;
  readonly logDir: string;
  // system scope only: the account the job runs as (root when not given).
  readonly runAs?: string;
}

// Protect specifiers (%) from systemd's expansion; a path or value may not hold a line break.
function literal(s: string): string {
  if (/[\n\r\0]/.test(s)) throw new ServiceError(`a unit cannot hold a line break or NUL: ${JSON.stringify(s)}`);
  return s.replace(/%/g, '%%');
}

// One word of ExecStart= (where $ also expands) or of Environment=, in systemd's quoting.
export function systemdQuote(s: string, where: 'exec' | 'env'): string {
  const escaped = literal(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const word = where === 'exec' ? escaped.replace(/\$/g, '$$$$') : escaped;
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word}"`;
}

export function renderUnit(template: string, p: UnitParams): string {
  const pathDirs = [...new Set([path.dirname(p.node), ...SAFE_PATH_DIRS])].join(':');
  if (p.runAs !== undefined && !/^[a-z_][a-z0-9_.-]*\$?$/i.test(p.runAs))
    throw new ServiceError(`--run-as: expected a user name, got ${JSON.stringify(p.runAs)}`);
  const values: Record<string, string> = {
    project: literal(p.project),
    doc_url: literal(pathToFileURL(path.join(p.project, 'README.md')).href),
    unit: p.unit,
    working_directory: literal(p.project),
    path_env: systemdQuote(`PATH=${pathDirs}`, 'env'),
    exec_start: [p.node, 'scripts/launch.mjs', 'sync', '--watch', ...p.args]
      .map((w) => systemdQuote(w, 'exec'))
      .join(' '),
    user_line: p.scope === 'system' && p.runAs ? `User=${p.runAs}\n` : '',
    stop_timeout: `${Math.ceil(p.stopTimeoutMs / 1000) + 15}s`,
    journal_flag: p.scope === 'user' ? '--user ' : '',
    log_dir: literal(p.logDir),
    wanted_by: p.scope === 'user' ? 'default.target' : 'multi-user.target',
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values))
      throw new ServiceError(`template ${UNIT_TEMPLATE_FILE} uses unknown placeholder {{${name}}}`);
    return values[name]!;
  });
}

export function loadUnitTemplate(root: string): string {
  return fs.readFileSync(path.join(root, UNIT_TEMPLATE_FILE), 'utf8');
}

// Where systemd looks for the unit: /etc/systemd/system, or the user's ~/.config/systemd/user.
export function defaultUnitDir(scope: ServiceScope, env: NodeJS.ProcessEnv, home: string): string {
  if (scope === 'system') return '/etc/systemd/system';
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'systemd', 'user');
}
