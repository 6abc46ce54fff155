import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forEachConcurrent, semaphore } from '../../../lib/sync/transfer/pool.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

test('never more than `limit` in flight; every item once; started in order', async () => {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  await forEachConcurrent([...Array(20).keys()], 3, async (item, i) => {
    assert.is(item, i);
    started.push(i);
    peak = Math.max(peak, ++running);
    await tick();
    running--;
  });
  assert.is(peak, 3);
  assert.equal(started, [...Array(20).keys()]);
});

test('shouldStop ends the lanes: items not yet started are never started', async () => {
  const seen: number[] = [];
  await forEachConcurrent(
    [...Array(10).keys()],
    2,
    async (i) => {
      seen.push(i);
      await tick();
    },
    () => seen.length >= 4,
  );
  assert.is(seen.length, 4);
});

test('no items: nothing runs; a limit above the count is fine', async () => {
  let calls = 0;
  await forEachConcurrent([], 8, async () => void calls++);
  await forEachConcurrent([1], 8, async () => void calls++);
  assert.is(calls, 1);
});

test('semaphore: at most `limit` inside, waiters served in order, a slot freed by a throw is handed on', async () => {
  const slot = semaphore(2);
  let inside = 0;
  let peak = 0;
  const order: number[] = [];
  const jobs = [...Array(8).keys()].map((i) =>
    slot(async () => {
      peak = Math.max(peak, ++inside);
      order.push(i);
      await tick();
      inside--;
      if (i === 1) throw new Error('boom');
      return i;
    }),
  );
  const results = await Promise.allSettled(jobs);
  assert.is(peak, 2);
  assert.equal(order, [...Array(8).keys()]);
  assert.is(results.filter((r) => r.status === 'rejected').length, 1);
  assert.is(await slot(async () => 'free'), 'free');
});

test.run();
