// The lock against the real process table (/proc): real dead PIDs, PID 1 standing in for a
// reused PID, a forged boot id for "before a reboot".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LockHeldError } from '../../lib/errors.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { acquireLock, takeConfiguredLock } from '../../lib/lock/lock.ts';
import { readLock } from '../../lib/lock/lock-file.ts';
import type { LockInfo } from '../../lib/lock/owner.ts';
import { linuxProcesses, type Processes } from '../../lib/lock/proc.ts';
import { tempDir } from '../support/env.ts';

const procs = linuxProcesses();
const me = procs.info(process.pid)!;
const mine: LockInfo = {
  pid: process.pid,
  host: os.hostname(),
  bootId: procs.bootId(),
  startTicks: me.startTicks,
  startedAt: new Date().toISOString(),
};

test('a lock names its owner fully, refuses a second holder, and is released', async () => {
  const file = path.join(tempDir('lock'), 'sub/l.lock');
  const held = await acquireLock(file, { now: () => new Date('2026-11-23T03:00:00Z') });
  const info = readLock(file) as LockInfo;
  assert.equal({ ...info, nonce: 'x' }, { ...mine, startedAt: '2026-11-23T03:00:00.000Z', nonce: 'x' });
  await acquireLock(file).then(
    () => assert.unreachable(),
    (e: unknown) =>
      assert.ok(
        e instanceof LockHeldError &&
          new RegExp(`another sync is running \\(pid ${process.pid}`).test((e as Error).message),
      ),
  );
  held.release();
  assert.not.ok(fs.existsSync(file));
  assert.equal(fs.readdirSync(path.dirname(file)), [], 'no temp or takeover files left');
});

test('a lock held by another live process is respected', async () => {
  const file = path.join(tempDir('lock'), 'l.lock');
  const other = execa('sleep', ['30']);
  const p = procs.info(other.pid!)!;
  fs.writeFileSync(
    file,
    JSON.stringify({
      pid: other.pid,
      host: os.hostname(),
      bootId: procs.bootId(),
      startTicks: p.startTicks,
      startedAt: new Date().toISOString(),
    }),
  );
  await acquireLock(file).then(
    () => assert.unreachable(),
    (e: unknown) => assert.instance(e, LockHeldError),
  );
  other.kill('SIGKILL');
  await other.catch(() => undefined);
  const held = await acquireLock(file);
  assert.is(held.takenOverFrom?.pid, other.pid, 'once it died, taken over');
  held.release();
});

test('stale locks are taken over with a warning that says why: dead PID, reused PID, another boot, unreadable', async () => {
  const dead = execa('true');
  await dead;
  const cases: Array<[string, string, RegExp]> = [
    ['dead', JSON.stringify({ ...mine, pid: dead.pid }), new RegExp(`pid ${dead.pid} is gone`)],
    [
      'reused',
      JSON.stringify({ ...mine, pid: 1, startTicks: me.startTicks + 999 }),
      /pid 1 now belongs to another process/,
    ],
    ['reboot', JSON.stringify({ ...mine, bootId: 'an-earlier-boot' }), /left before a reboot/],
    ['garbage', 'garbage', /unreadable lock file/],
    ['empty', '', /unreadable lock file/],
  ];
  for (const [name, content, why] of cases) {
    const file = path.join(tempDir('lock'), 'l.lock');
    fs.writeFileSync(file, content);
    const log = createMemoryLogger();
    const held = await acquireLock(file, { log });
    assert.is((readLock(file) as LockInfo).pid, process.pid, name);
    const warning = log.records.find((r) => r.kind === 'lock.stale');
    assert.ok(warning && why.test(warning.msg), `${name}: ${warning?.msg}`);
    held.release();
  }
});

test('release does not remove a lock that another process now holds', async () => {
  const file = path.join(tempDir('lock'), 'l.lock');
  const held = await acquireLock(file);
  fs.writeFileSync(file, JSON.stringify({ ...mine, pid: 1, nonce: 'theirs' }));
  held.release();
  assert.ok(fs.existsSync(file));
});

test('a takeover mutex left by a crashed taker does not wedge the next run', async () => {
  const file = path.join(tempDir('lock'), 'l.lock');
  fs.writeFileSync(file, JSON.stringify({ ...mine, pid: 4_000_001 }));
  fs.writeFileSync(`${file}.takeover`, JSON.stringify({ ...mine, pid: 4_000_002 }));
  const held = await acquireLock(file, { sleep: async () => {} });
  assert.is((readLock(file) as LockInfo).pid, process.pid);
  assert.not.ok(fs.existsSync(`${file}.takeover`));
  held.release();
});

test('startTicksOf reads field 22 even when the command name has spaces and parentheses', async () => {
  const { startTicksOf } = await import('../../lib/lock/proc.ts');
  assert.is(startTicksOf('1234 (my (odd) prog) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 1000 10 0'), 98765);
  const p: Processes = procs;
  assert.ok(p.info(1)!.startTicks >= 0);
});

test('waitMs: a second taker waits for a live run to release, and gives up with a clear error when it does not', async () => {
  const file = path.join(tempDir('lock'), 'sync.lock');
  const first = await acquireLock(file);
  const log = createMemoryLogger();
  setTimeout(() => first.release(), 300);
  const second = await acquireLock(file, { waitMs: 60_000, log });
  assert.equal(
    log.records.map((r) => r.kind),
    ['lock.waiting'],
  );
  await acquireLock(file, { waitMs: 250 }).then(
    () => assert.unreachable(),
    (e: unknown) => assert.match((e as Error).message, /another sync is running .*waited 0 s/),
  );
  second.release();
  assert.not.ok(fs.existsSync(file));
});

test('takeConfiguredLock: the configured file and wait, or the lock a caller passes in', async () => {
  const lockFile = path.join(tempDir('lock'), 'sync.lock');
  const held = await takeConfiguredLock({ lockFile, lockWaitMs: 0 }, createMemoryLogger());
  assert.is(readLock(lockFile) !== undefined, true);
  const second = await takeConfiguredLock({ lockFile, lockWaitMs: 0 }, createMemoryLogger()).then(
    (l) => l.release(),
    (e: unknown) => e,
  );
  assert.ok(second instanceof LockHeldError, 'a second holder is refused at once with SYNC_LOCK_WAIT_SECONDS=0');
  held.release();
  const asked: string[] = [];
  await takeConfiguredLock({ lockFile, lockWaitMs: 0 }, createMemoryLogger(), async (f) => (asked.push(f), held));
  assert.equal(asked, [lockFile]);
});

test.run();
