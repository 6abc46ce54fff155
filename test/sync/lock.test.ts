import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LockHeldError } from '../../lib/errors.ts';
import { acquireLock, readLock } from '../../lib/sync/lock.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { tempDir } from '../support/env.ts';

test('a lock records pid and start time, refuses a second holder, and is released', () => {
  const file = path.join(tempDir('lock'), 'sub/l.lock');
  const held = acquireLock(file, { now: () => new Date('2026-11-23T03:00:00Z') });
  const info = readLock(file);
  assert.equal(info, { pid: process.pid, host: os.hostname(), startedAt: '2026-11-23T03:00:00.000Z' });
  assert.throws(() => acquireLock(file, { pid: process.pid + 1 }), (e: unknown) => e instanceof LockHeldError && /pid \d+/.test((e as Error).message));
  held.release();
  assert.not.ok(fs.existsSync(file));
});

test('a lock left by a dead process, or an unreadable one, is taken over with a warning', () => {
  const file = path.join(tempDir('lock'), 'l.lock');
  fs.writeFileSync(file, JSON.stringify({ pid: 999999, host: os.hostname(), startedAt: 'then' }));
  const log = createMemoryLogger();
  const held = acquireLock(file, { isAlive: () => false, log });
  assert.is(held.takenOverFrom?.pid, 999999);
  assert.ok(log.records.some((r) => r.kind === 'lock.stale'));
  held.release();
  fs.writeFileSync(file, 'garbage');
  const again = acquireLock(file, { log });
  assert.is((readLock(file) as { pid: number }).pid, process.pid);
  again.release();
});

test('release does not remove a lock that another process now holds', () => {
  const file = path.join(tempDir('lock'), 'l.lock');
  const held = acquireLock(file);
  fs.writeFileSync(file, JSON.stringify({ pid: 1, host: os.hostname(), startedAt: 'x' }));
  held.release();
  assert.ok(fs.existsSync(file));
});

test.run();
