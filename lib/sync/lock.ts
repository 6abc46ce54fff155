// One run at a time: an exclusive lock file holding the owner's PID and start time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockHeldError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface HeldLock {
  readonly file: string;
  readonly takenOverFrom?: LockInfo;
  release(): void;
}

export interface LockOptions {
  readonly pid?: number;
  readonly now?: () => Date;
  readonly isAlive?: (pid: number) => boolean;
  readonly log?: Logger;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(file: string): LockInfo | 'unreadable' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return 'unreadable';
  }
  try {
    const o = JSON.parse(text) as LockInfo;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

// Take the lock, or throw LockHeldError naming the live owner. A lock left by a dead process
// (or an unreadable one) is taken over with a warning.
export function acquireLock(file: string, options: LockOptions = {}): HeldLock {
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? isProcessAlive;
  const info: LockInfo = { pid, host: os.hostname(), startedAt: (options.now?.() ?? new Date()).toISOString() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let takenOverFrom: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      let released = false;
      return {
        file,
        ...(takenOverFrom ? { takenOverFrom } : {}),
        release() {
          if (released) return;
          released = true;
          const current = readLock(file);
          if (current && current !== 'unreadable' && current.pid === pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(file);
    if (holder === undefined) continue;
    if (holder !== 'unreadable' && holder.host === info.host && isAlive(holder.pid) && holder.pid !== pid) {
      throw new LockHeldError(`another sync is running (pid ${holder.pid}, started ${holder.startedAt}); lock file ${file}`);
    }
    if (holder !== 'unreadable' && holder.host !== info.host) {
      throw new LockHeldError(`the lock is held by pid ${holder.pid} on host ${holder.host} (started ${holder.startedAt}); remove ${file} if that run is gone`);
    }
    takenOverFrom = holder === 'unreadable' ? { pid: 0, host: '?', startedAt: '?' } : holder;
    options.log?.write({ kind: 'lock.stale', file, pid: takenOverFrom.pid, startedAt: takenOverFrom.startedAt });
    fs.rmSync(file, { force: true });
  }
  throw new LockHeldError(`could not take the lock ${file}: another run keeps taking it`);
}
