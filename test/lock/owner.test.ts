// judgeLock's rules as a table, against the real process table (/proc).
import os from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeLock, parseLock, type LockInfo } from '../../lib/lock/owner.ts';
import { linuxProcesses } from '../../lib/lock/proc.ts';

const procs = linuxProcesses();
const me = procs.info(process.pid)!;
const mine: LockInfo = {
  pid: process.pid,
  host: os.hostname(),
  bootId: procs.bootId(),
  startTicks: me.startTicks,
  startedAt: new Date().toISOString(),
};

test('judgeLock: live, foreign, and every kind of stale', () => {
  const table: Array<[string, LockInfo | undefined, string]> = [
    ['this very process', mine, 'live'],
    ['another host', { ...mine, host: 'elsewhere' }, 'foreign'],
    ['another boot', { ...mine, bootId: 'not-this-boot' }, 'stale'],
    ['a PID now used by another process (PID 1)', { ...mine, pid: 1, startTicks: me.startTicks + 12345 }, 'stale'],
    ['a PID nobody uses', { ...mine, pid: 4_000_000 }, 'stale'],
    ['unreadable', undefined, 'stale'],
    [
      'an old-format lock of a node process that started before it',
      { pid: process.pid, host: os.hostname(), startedAt: new Date(Date.now() + 5000).toISOString() },
      'live',
    ],
    [
      'an old-format lock naming PID 1 (not node)',
      { pid: 1, host: os.hostname(), startedAt: new Date().toISOString() },
      'stale',
    ],
    [
      'an old-format lock older than its process',
      { pid: process.pid, host: os.hostname(), startedAt: '2001-01-01T00:00:00Z' },
      'stale',
    ],
  ];
  for (const [name, holder, kind] of table) assert.is(judgeLock(holder, procs).kind, kind, name);
});

test('parseLock: a lock file names a positive PID and a host, or it is unreadable', () => {
  assert.equal(parseLock(JSON.stringify(mine)), mine);
  for (const bad of ['', '{', '{"pid":0,"host":"h"}', '{"pid":3}', '[]']) assert.is(parseLock(bad), undefined, bad);
});

test.run();
