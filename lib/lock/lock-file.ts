// The lock file on disk: read with the inode it was read from, created whole with link() (the
// atomic "create if absent" for a complete file), removed or replaced only if it is still the
// very file that was read, and a short takeover mutex beside it.
import fs from 'node:fs';
import { judgeLock, parseLock, type LockInfo } from './owner.ts';
import type { Processes } from './proc.ts';

export interface OnDisk {
  readonly text: string;
  readonly ino: number;
  readonly info: LockInfo | undefined;
}

export function readOnDisk(file: string): OnDisk | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const text = fs.readFileSync(fd, 'utf8');
    return { text, ino: fs.fstatSync(fd).ino, info: parseLock(text) };
  } finally {
    fs.closeSync(fd);
  }
}

export function readLock(file: string): LockInfo | 'unreadable' | undefined {
  try {
    const d = readOnDisk(file);
    return d ? (d.info ?? 'unreadable') : undefined;
  } catch {
    return 'unreadable';
  }
}

// link() fails when the target exists: the atomic "create if absent" for a complete file.
export function linkInto(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

// Remove `file` only if it is still the file that was read (same inode, same bytes).
function unlinkIfSame(file: string, seen: OnDisk): boolean {
  const now = readOnDisk(file);
  if (!now || now.ino !== seen.ino || now.text !== seen.text) return false;
  fs.rmSync(file, { force: true });
  return true;
}

// Run `fn` while holding `<file>.takeover`; false when another taker holds it right now.
export function underTakeoverMutex(file: string, tmp: string, procs: Processes, fn: () => boolean): boolean {
  const mutex = `${file}.takeover`;
  if (!linkInto(tmp, mutex)) {
    const holder = readOnDisk(mutex);
    if (
      !holder ||
      judgeLock(holder.info, procs).kind !== 'stale' ||
      !unlinkIfSame(mutex, holder) ||
      !linkInto(tmp, mutex)
    )
      return false;
  }
  const mine = readOnDisk(mutex)!;
  try {
    return fn();
  } finally {
    unlinkIfSame(mutex, mine);
  }
}

export function replaceIfSame(file: string, judged: OnDisk, tmp: string): boolean {
  const current = readOnDisk(file);
  if (current && (current.ino !== judged.ino || current.text !== judged.text)) return false;
  if (current) fs.rmSync(file, { force: true });
  return linkInto(tmp, file);
}
