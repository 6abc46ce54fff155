import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forEachConcurrent } from '../../lib/sync/pool.ts';

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
  await forEachConcurrent([...Array(10).keys()], 2, async (i) => {
    seen.push(i);
    await tick();
  }, () => seen.length >= 4);
  assert.is(seen.length, 4);
});

test('no items: nothing runs; a limit above the count is fine', async () => {
  let calls = 0;
  await forEachConcurrent([], 8, async () => void calls++);
  await forEachConcurrent([1], 8, async () => void calls++);
  assert.is(calls, 1);
});

test.run();
