// What install-service does: verify the rendered unit with systemd-analyze, put it where systemd
// looks (or take it away), and have systemctl load and (re)start it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ServiceError } from '../errors.ts';
import type { ServiceScope } from './unit.ts';

export interface CommandResult {
  readonly exitCode: number | undefined;
  readonly output: string;
}
// Runs a program with an argument array (never a shell) and never throws for its exit status.
export type Runner = (file: string, args: readonly string[], env?: NodeJS.ProcessEnv) => Promise<CommandResult>;

export const realRunner: Runner = async (file, args, env) => {
  const r = await execa(file, args, { reject: false, all: true, ...(env ? { env } : {}) });
  return { exitCode: r.exitCode, output: r.all || (r.exitCode === undefined ? (r.message ?? 'could not start') : '') };
};

export interface ServiceTarget {
  readonly unit: string;
  readonly scope: ServiceScope;
  readonly unitDir: string;
  readonly out: NodeJS.WritableStream;
  readonly dryRun: boolean;
  // systemctl (in tests on machines without systemd as PID 1: a recording fake, named as such).
  readonly systemctl: Runner;
  // systemd-analyze: always the real one.
  readonly analyze: Runner;
}

const scopeArgs = (t: ServiceTarget) => (t.scope === 'user' ? ['--user'] : []);
const commandLine = (t: ServiceTarget, args: readonly string[]) => ['systemctl', ...scopeArgs(t), ...args].join(' ');

// `systemd-analyze verify` on the unit under its own name; any complaint (even one systemd only
// warns about and ignores, such as an unknown key) is an error.
export async function verifyUnit(t: Pick<ServiceTarget, 'unit' | 'scope' | 'analyze'>, text: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tgsync-unit-'));
  try {
    fs.writeFileSync(path.join(dir, t.unit), text);
    // A user manager needs a runtime folder; a shell without a login session has none.
    const env =
      t.scope === 'user'
        ? {
            ...process.env,
            XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'tgsync-rt-')),
          }
        : undefined;
    const r = await t.analyze(
      'systemd-analyze',
      [...(t.scope === 'user' ? ['--user'] : []), 'verify', path.join(dir, t.unit)],
      env,
    );
    const complaints = r.output
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => l.replace(path.join(dir, ''), ''));
    if (r.exitCode === undefined)
      throw new ServiceError(
        `systemd-analyze could not run (${r.output.split('\n')[0]}); install Debian's systemd package`,
      );
    if (r.exitCode !== 0 || complaints.length)
      throw new ServiceError(
        `systemd-analyze verify rejected the unit:\n${complaints.map((c) => `  ${c}`).join('\n')}`,
      );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function systemctl(t: ServiceTarget, args: readonly string[], done: string): Promise<void> {
  const r = await t.systemctl('systemctl', [...scopeArgs(t), ...args]);
  if (r.exitCode === 0) return;
  const why = r.output.trim().split('\n')[0] || `exit ${r.exitCode}`;
  throw new ServiceError(`${done}, but \`${commandLine(t, args)}\` failed: ${why}`);
}

// Verify, write (atomically, replacing ours), reload systemd, enable and (re)start the unit.
export async function installUnit(t: ServiceTarget, text: string, start: boolean): Promise<void> {
  await verifyUnit(t, text);
  const file = path.join(t.unitDir, t.unit);
  const steps = [['daemon-reload'], ['enable', t.unit], ...(start ? [['restart', t.unit]] : [])];
  if (t.dryRun) {
    const commands = steps.map((s) => `  ${commandLine(t, s)}\n`).join('');
    t.out.write(`[dry-run] systemd-analyze verify: ok\n[dry-run] would write ${file} and run:\n${commands}`);
    return;
  }
  const existed = fs.existsSync(file);
  fs.mkdirSync(t.unitDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  const done = `${file} was written and verified`;
  for (const s of steps) await systemctl(t, s, done);
  const started = start ? 'enabled and (re)started' : 'enabled (not started: --no-start)';
  t.out.write(`${existed ? 'replaced' : 'installed'} ${file}; ${started}\n`);
  t.out.write(`follow it with: journalctl ${scopeArgs(t).join(' ')}${t.scope === 'user' ? ' ' : ''}-u ${t.unit} -f\n`);
}

// Stop and disable the unit, remove its file and reload systemd.
export async function uninstallUnit(t: ServiceTarget): Promise<void> {
  const file = path.join(t.unitDir, t.unit);
  if (!fs.existsSync(file)) {
    t.out.write(`no ${t.unit} in ${t.unitDir}; nothing to remove\n`);
    return;
  }
  if (t.dryRun) {
    const [disable, reload] = [commandLine(t, ['disable', '--now', t.unit]), commandLine(t, ['daemon-reload'])];
    t.out.write(`[dry-run] would run \`${disable}\`, remove ${file}, and run \`${reload}\`\n`);
    return;
  }
  await systemctl(t, ['disable', '--now', t.unit], `nothing was removed`);
  fs.rmSync(file);
  await systemctl(t, ['daemon-reload'], `${file} was stopped, disabled and removed`);
  t.out.write(`stopped, disabled and removed ${file}\n`);
}
