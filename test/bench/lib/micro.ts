// Two small measurements for the benchmark: SHA-256 of a 1 GiB file already in the page cache,
// against `openssl speed -evp sha256` in the same run; and the time to the first byte of output
// of the README's command and of the cron line's command.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../../lib/config/load.ts';
import { sha256File } from '../../../lib/sync/transfer/hash.ts';

export async function hashSpeed(dir: string): Promise<{ opensslGBs: number; oursGBs: number }> {
  const file = path.join(dir, 'hash-1gib.bin');
  if (!fs.existsSync(file) || fs.statSync(file).size !== 2 ** 30)
    await execa('dd', ['if=/dev/urandom', `of=${file}`, 'bs=1M', 'count=1024', 'status=none']);
  await execa('cat', [file], { stdout: 'ignore' }); // into the page cache
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    await sha256File(file);
    runs.push(2 ** 30 / (Number(process.hrtime.bigint() - t) / 1e9) / 1e9);
  }
  const o = await execa('openssl', ['speed', '-evp', 'sha256', '-seconds', '3'], { reject: false });
  const last = o.stdout.trim().split('\n').at(-1)!.trim().split(/\s+/);
  return { opensslGBs: Number(last.at(-1)!.replace(/k$/, '')) / 1e6, oursGBs: Math.max(...runs) };
}

// Seconds from spawn to the first byte on stdout (best of `times`).
export async function firstOutput(cmd: string, args: readonly string[], times = 5): Promise<number> {
  const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env.HOME ?? '/root' };
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    const s = await new Promise<number>((resolve, reject) => {
      const child = spawn(cmd, args, { cwd: PROJECT_ROOT, env });
      child.stdout.once('data', () => resolve(Number(process.hrtime.bigint() - t) / 1e9));
      child.once('error', reject);
      child.once('exit', () => resolve(Number(process.hrtime.bigint() - t) / 1e9));
    });
    best = Math.min(best, s);
  }
  return best;
}
