// One run at a time. The lock file names its owner beyond the PID (host, boot id, the process's
// start time in clock ticks from /proc/<pid>/stat, a nonce), so a lock left by a dead process, by
// a process whose PID was reused, or from before a reboot is recognised as stale. It is created
// whole and atomically (a complete temp file link()ed into place: the lock never exists empty),
// and a stale lock is replaced under a short takeover mutex, only if it is still the very file
// that was judged stale, so two takers can never both win.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sleep as realSleep, systemNow, type Now, type Sleep } from '../clock.ts';
import { ForeignLockError, LockHeldError, stateDiskError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { withRetry } from '../retry.ts';
import { linkInto, readLock, readOnDisk, replaceIfSame, underTakeoverMutex } from './lock-file.ts';
import { judgeLock, type LockInfo } from './owner.ts';
import { linuxProcesses, type Processes } from './proc.ts';

export interface HeldLock {
  readonly file: string;
  readonly takenOverFrom?: LockInfo;
  release(): void;
}

export interface LockOptions {
  readonly processes?: Processes;
  readonly now?: Now;
  readonly sleep?: Sleep;
  readonly log?: Logger;
  // While a live run holds the lock, wait this long for it before giving up (0: give up at once).
  readonly waitMs?: number;
}

function heldLock(file: string, text: string, takenOverFrom?: LockInfo): HeldLock {
  let released = false;
  return {
    file,
    ...(takenOverFrom ? { takenOverFrom } : {}),
    release() {
      if (released) return;
      released = true;
      const d = readOnDisk(file);
      if (d?.text === text) fs.rmSync(file, { force: true });
    },
  };
}

// How long a run waits between looks at a lock a live run holds (the one retry policy's backoff).
const LOCK_WAIT = { baseMs: 100, maxMs: 1000 } as const;

// Take the lock, or throw LockHeldError naming the live owner once `waitMs` is spent waiting for
// it (a lock of another host is not waited for: ForeignLockError at once).
export async function acquireLock(file: string, options: LockOptions = {}): Promise<HeldLock> {
  const procs = options.processes ?? linuxProcesses();
  const me = procs.info(procs.pid);
  const info: LockInfo = {
    pid: procs.pid,
    host: procs.host,
    bootId: procs.bootId(),
    ...(me ? { startTicks: me.startTicks } : {}),
    startedAt: (options.now ?? systemNow)().toISOString(),
    nonce: crypto.randomBytes(6).toString('hex'),
  };
  const text = JSON.stringify(info);
  const tmp = `${file}.${procs.pid}.${info.nonce}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, text);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw stateDiskError(e, file) ?? e;
  }
  const waitMs = options.waitMs ?? 0;
  try {
    return await withRetry(() => tryLock({ file, tmp, text, procs, options }), {
      ...LOCK_WAIT,
      retries: Infinity,
      deadlineMs: waitMs,
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onRetry: (e, attempt) => {
        if (attempt > 1 || !(e instanceof LiveLockError)) return;
        const { pid, startedAt } = e.holder;
        options.log?.write({ kind: 'lock.waiting', file, pid, startedAt, waitSeconds: Math.round(waitMs / 1000) });
      },
    });
  } catch (e) {
    throw e instanceof LiveLockError && waitMs > 0 ? new LiveLockError(e.holder, file, waitMs) : e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

// A live run on this host holds the lock (waiting for it can help: LockHeldError is retryable).
class LiveLockError extends LockHeldError {
  constructor(
    readonly holder: LockInfo,
    file: string,
    waitedMs = 0,
  ) {
    const waited = waitedMs > 0 ? `; waited ${Math.round(waitedMs / 1000)} s` : '';
    super(`another sync is running (pid ${holder.pid}, started ${holder.startedAt}${waited}); lock file ${file}`);
  }
}

interface Attempt {
  readonly file: string;
  readonly tmp: string;
  readonly text: string;
  readonly procs: Processes;
  readonly options: LockOptions;
}

// One look at the lock: take it when it is free or stale (racing other takers: a bounded
// compare-and-swap loop, not a wait), or throw saying who holds it.
async function tryLock(a: Attempt): Promise<HeldLock> {
  const { file, tmp, text, procs, options } = a;
  for (let race = 0; race < 50; race++) {
    if (linkInto(tmp, file)) return heldLock(file, text);
    const current = readOnDisk(file);
    if (!current) continue;
    const verdict = judgeLock(current.info, procs);
    if (verdict.kind === 'live') throw new LiveLockError(current.info!, file);
    if (verdict.kind === 'foreign') {
      const { pid, host, startedAt } = current.info!;
      throw new ForeignLockError(
        `the lock is held by pid ${pid} on host ${host} (started ${startedAt}); remove ${file} if that run is gone`,
      );
    }
    if (underTakeoverMutex(file, tmp, procs, () => replaceIfSame(file, current, tmp))) {
      const from = current.info ?? { pid: 0, host: '?', startedAt: '?' };
      options.log?.write({ kind: 'lock.stale', file, pid: from.pid, startedAt: from.startedAt, why: verdict.why });
      return heldLock(file, text, from);
    }
    await (options.sleep ?? realSleep)(2 + Math.random() * 10);
  }
  throw new LockHeldError(`could not take the lock ${file}: other runs keep taking it`);
}

export type TakeLock = (file: string) => Promise<HeldLock>;

// Take the configured lock, waiting SYNC_LOCK_WAIT_SECONDS for a live holder (or `custom`, a test's).
export function takeConfiguredLock(
  config: { readonly lockFile: string; readonly lockWaitMs: number },
  log: Logger,
  custom?: TakeLock,
): Promise<HeldLock> {
  return (custom ?? ((f: string) => acquireLock(f, { log, waitMs: config.lockWaitMs })))(config.lockFile);
}

// The run's lock: taken (waiting SYNC_LOCK_WAIT_SECONDS for a live holder), except in a dry run,
// which changes nothing and takes none, but says when one is there.
export async function takeRunLock(
  config: { readonly lockFile: string; readonly lockWaitMs: number },
  deps: { readonly dryRun: boolean; readonly log: Logger; readonly lock?: TakeLock },
): Promise<HeldLock | undefined> {
  if (!deps.dryRun) return takeConfiguredLock(config, deps.log, deps.lock);
  const holder = readLock(config.lockFile);
  if (holder) {
    deps.log.write({ kind: 'lock.present', holder: holder === 'unreadable' ? 'unreadable' : `pid ${holder.pid}` });
  }
  return undefined;
}
