// The user's crontab: our entry lives between marker comments; every other byte is kept.
import fs from 'node:fs';
import path from 'node:path';
import { CronError } from '../errors.ts';

export const TEMPLATE_FILE = 'crontab/telegram-sync.cron';

export interface EntryParams {
  readonly project: string;
  readonly schedule: string;
  readonly tz?: string;
  readonly node: string;
  readonly path: string;
  readonly logFile: string;
  readonly args: readonly string[];
}

// Single-quote for sh, and escape % (cron turns a bare % into a newline).
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`.replace(/%/g, '\\%');
}

// What cron hands to sh for a crontab command: \% becomes %.
export function cronCommandForShell(command: string): string {
  return command.replace(/\\%/g, '%');
}

export function renderEntry(template: string, p: EntryParams): string {
  const values: Record<string, string> = {
    project: p.project,
    project_q: shellQuote(p.project),
    schedule: p.schedule.trim(),
    tz_line: p.tz ? `CRON_TZ=${p.tz}\n` : '',
    path_q: shellQuote(p.path),
    node_q: shellQuote(p.node),
    log_q: shellQuote(p.logFile),
    log_dir_q: shellQuote(path.dirname(p.logFile)),
    args: p.args.map((a) => ` ${shellQuote(a)}`).join(''),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new CronError(`template ${TEMPLATE_FILE} uses unknown placeholder {{${name}}}`);
    return values[name]!;
  });
}

export function loadTemplate(root: string): string {
  return fs.readFileSync(path.join(root, TEMPLATE_FILE), 'utf8');
}

const beginMarker = (project: string) => `# BEGIN telegram-sync ${project}`;
const endMarker = (project: string) => `# END telegram-sync ${project}`;

// Locate our block (begin line through end line, with their newlines) in a crontab.
function findBlock(crontab: string, project: string): { start: number; end: number } | undefined {
  const lines = crontab.split(/(?<=\n)/);
  let offset = 0;
  let start = -1;
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '');
    if (start < 0 && bare === beginMarker(project)) start = offset;
    else if (start >= 0 && bare === endMarker(project)) return { start, end: offset + line.length };
    offset += line.length;
  }
  return undefined;
}

export function hasBlock(crontab: string, project: string): boolean {
  return findBlock(crontab, project) !== undefined;
}

// Our block in place of the old one (or appended). A block that sets CRON_TZ goes last, so the
// setting cannot leak into the user's own lines below it.
export function upsertBlock(crontab: string, block: string, project: string): string {
  const found = findBlock(crontab, project);
  const setsEnv = /^[A-Za-z_][A-Za-z0-9_]*=/m.test(block);
  if (found && !setsEnv) return crontab.slice(0, found.start) + block + crontab.slice(found.end);
  const rest = found ? crontab.slice(0, found.start) + crontab.slice(found.end) : crontab;
  return rest + (rest && !rest.endsWith('\n') ? '\n' : '') + block;
}

export function removeBlock(crontab: string, project: string): string {
  const found = findBlock(crontab, project);
  return found ? crontab.slice(0, found.start) + crontab.slice(found.end) : crontab;
}

// How we talk to the `crontab` program (passed in so tests can name a user or a binary).
export interface CrontabIO {
  read(): Promise<string>;
  write(content: string): Promise<void>;
  remove(): Promise<void>;
}

type Exec = (
  file: string,
  args: string[],
  options?: { input?: string },
) => Promise<{ exitCode?: number; stdout: string; stderr: string; code?: string }>;

export function createCrontabIO(exec: Exec, binary = 'crontab'): CrontabIO {
  const run = async (args: string[], input?: string) => {
    const notFound = (cause?: unknown) =>
      new CronError(
        `the crontab program was not found (${binary}); install Debian's cron package: apt-get install cron`,
        { cause },
      );
    let r: Awaited<ReturnType<Exec>>;
    try {
      r = await exec(binary, args, input === undefined ? {} : { input });
    } catch (e) {
      throw (e as NodeJS.ErrnoException).code === 'ENOENT' ? notFound(e) : e;
    }
    if (r.code === 'ENOENT') throw notFound();
    return r;
  };
  return {
    async read() {
      const r = await run(['-l']);
      if (r.exitCode === 0) return r.stdout;
      if (/no crontab for/i.test(r.stderr)) return '';
      throw new CronError(`crontab -l failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
    },
    async write(content) {
      const r = await run(['-'], content);
      if (r.exitCode !== 0)
        throw new CronError(
          `crontab refused the new table (exit ${r.exitCode}); nothing was changed: ${r.stderr.trim()}`,
        );
    },
    async remove() {
      const r = await run(['-r']);
      if (r.exitCode !== 0 && !/no crontab for/i.test(r.stderr))
        throw new CronError(`crontab -r failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
    },
  };
}
