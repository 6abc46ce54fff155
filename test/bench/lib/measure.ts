// Measuring a command: wall time, client CPU and peak RSS through GNU time (/usr/bin/time -v),
// and the CPU the server's processes spent meanwhile (from /proc/<pid>/stat).
import fs from 'node:fs';
import { execa } from 'execa';

export interface Measured {
  readonly wallS: number;
  readonly cpuS: number;
  readonly rssMB: number;
  readonly serverCpuS: number;
  readonly exitCode: number;
  readonly output: string;
}

const TICKS = 100;

export function cpuSecondsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      /* gone */
    }
  }
  return ticks / TICKS;
}

function parseTime(report: string): { wallS: number; cpuS: number; rssMB: number } {
  const get = (label: string) => new RegExp(`${label}: (.+)`).exec(report)?.[1]?.trim() ?? '0';
  const wall = get('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number);
  const wallS = wall.reduce((acc, v) => acc * 60 + v, 0);
  return {
    wallS,
    cpuS: Number(get('User time \\(seconds\\)')) + Number(get('System time \\(seconds\\)')),
    rssMB: Number(get('Maximum resident set size \\(kbytes\\)')) / 1024,
  };
}

// Before each measured run: what the previous one left for the kernel to write (a cold upload of
// 100,000 objects leaves hundreds of MB of dirty pages on the server's side) is written out
// first, so no tool's run pays for the one before it.
async function settle(): Promise<void> {
  await execa('sync', [], { reject: false });
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

export async function measure(
  cmd: string,
  args: readonly string[],
  o: { env: NodeJS.ProcessEnv; cwd: string; serverPids: () => readonly number[] },
): Promise<Measured> {
  await settle();
  const before = cpuSecondsOf(o.serverPids());
  const r = await execa('/usr/bin/time', ['-v', cmd, ...args], {
    env: o.env,
    cwd: o.cwd,
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 3 * 3600_000,
  });
  const serverCpuS = cpuSecondsOf(o.serverPids()) - before;
  const all = r.all ?? '';
  const cut = all.lastIndexOf('\tCommand being timed:');
  return {
    ...parseTime(all.slice(cut)),
    serverCpuS,
    exitCode: r.exitCode ?? -1,
    output: all.slice(0, cut).slice(-2000),
  };
}
