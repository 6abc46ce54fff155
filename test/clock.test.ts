import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sleep, systemNow } from '../lib/clock.ts';

test('the system clock is a Date now; sleep waits at least as asked', async () => {
  const before = Date.now();
  assert.instance(systemNow(), Date);
  await sleep(20);
  assert.ok(Date.now() - before >= 19);
});

test.run();
