// lib/lock/proc.ts against this machine's real /proc.
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linuxProcesses, startTicksOf } from '../../lib/lock/proc.ts';

test('this process: alive, started before now, a node command line; the boot id is a UUID', () => {
  const procs = linuxProcesses();
  const me = procs.info(process.pid)!;
  assert.ok(me.startTicks > 0);
  assert.ok(me.startedAtMs <= Date.now() + 1000 && me.startedAtMs > Date.now() - 24 * 3600_000 * 365);
  assert.match(me.command, /node/);
  assert.match(procs.bootId(), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.is(procs.pid, process.pid);
});

test('a process that exited is gone; a later process has a later start time', async () => {
  const procs = linuxProcesses();
  const child = execa('sleep', ['5']);
  const info = procs.info(child.pid!)!;
  assert.ok(info.startTicks >= procs.info(process.pid)!.startTicks);
  assert.match(info.command, /^sleep 5$/);
  child.kill('SIGKILL');
  await child.catch(() => undefined);
  assert.is(procs.info(child.pid!), undefined);
});

test('field 22 is read after the last parenthesis, whatever the command name holds', () => {
  assert.is(startTicksOf('7 (a) b (c) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 4242 1000 10 0'), 4242);
});

test.run();
