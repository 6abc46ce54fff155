import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGate } from '../lib/gate.ts';
import { createMemoryLogger } from '../lib/log/logger.ts';

test('a real run runs the action and returns its value', async () => {
  let ran = 0;
  const v = await createGate({ dryRun: false }).run('upload', { key: 'k' }, () => (ran++, 42));
  assert.is(v, 42);
  assert.is(ran, 1);
});

test('a dry run does not run it, returns undefined, and logs what it would do', async () => {
  const log = createMemoryLogger();
  let ran = 0;
  const v = await createGate({ dryRun: true, log }).run('create bucket', { bucket: 'b' }, async () => void ran++);
  assert.is(v, undefined);
  assert.is(ran, 0);
  assert.equal(
    log.records.map((r) => [r.kind, r.msg, r.bucket]),
    [['dry-run', 'would create bucket', 'b']],
  );
});

test.run();
