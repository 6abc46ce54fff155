// What the lock needs to know about processes, read from Linux's /proc: whether a PID is alive,
// when it started (clock ticks since boot, field 22 of /proc/<pid>/stat), its command line, and
// which boot this is (/proc/sys/kernel/random/boot_id).
import fs from 'node:fs';
import os from 'node:os';

export interface ProcessInfo {
  readonly startTicks: number;
  readonly startedAtMs: number;
  readonly command: string;
}

export interface Processes {
  readonly pid: number;
  readonly host: string;
  bootId(): string;
  // undefined when no such process runs.
  info(pid: number): ProcessInfo | undefined;
}

// Linux's USER_HZ, the unit of /proc/<pid>/stat start times, is 100 on every architecture.
const TICKS_PER_SECOND = 100;

const readOr = (file: string, fallback: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

// Start time in ticks since boot: the 20th field after the command name (which may hold spaces).
export function startTicksOf(statText: string): number {
  return Number(statText.slice(statText.lastIndexOf(')') + 2).split(' ')[19]);
}

export function linuxProcesses(proc = '/proc'): Processes {
  const bootTimeMs = Number(/^btime (\d+)$/m.exec(readOr(`${proc}/stat`, ''))?.[1] ?? 0) * 1000;
  return {
    pid: process.pid,
    host: os.hostname(),
    bootId: () => readOr(`${proc}/sys/kernel/random/boot_id`, '').trim(),
    info(pid) {
      let stat: string;
      try {
        stat = fs.readFileSync(`${proc}/${pid}/stat`, 'utf8');
      } catch {
        return undefined;
      }
      const startTicks = startTicksOf(stat);
      const command = readOr(`${proc}/${pid}/cmdline`, '').split('\0').join(' ').trim();
      return { startTicks, startedAtMs: bootTimeMs + (startTicks * 1000) / TICKS_PER_SECOND, command };
    },
  };
}
