import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blockSizeFor, createBufferPool } from '../../../lib/sync/transfer/buffers.ts';

const KIB = 1024;
const MIB = 1024 * KIB;

test('blocks are powers of two from 64 KiB', () => {
  assert.equal([1, 64 * KIB, 64 * KIB + 1, 3 * MIB].map(blockSizeFor), [64 * KIB, 64 * KIB, 128 * KIB, 4 * MIB]);
});

test('a block given back is reused for the next size that fits: no new memory', async () => {
  const pool = createBufferPool(8 * MIB);
  const a = await pool.take(3 * MIB);
  assert.is(a.length, 3 * MIB);
  pool.give(a);
  const b = await pool.take(2 * MIB + 5);
  assert.is(b.buffer, a.buffer, 'the same memory');
  assert.equal(pool.stats(), { lent: 4 * MIB, kept: 0, blocks: 1 });
});

test('the budget bounds what is lent: a taker waits until enough is given back, in order', async () => {
  const pool = createBufferPool(4 * MIB);
  const a = await pool.take(2 * MIB);
  const b = await pool.take(2 * MIB);
  const order: string[] = [];
  const c = pool.take(4 * MIB).then((x) => (order.push('c'), x));
  const d = pool.take(64 * KIB).then((x) => (order.push('d'), x));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(order, [], 'both wait (d waits behind c)');
  pool.give(a);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(order, [], 'c still does not fit; d keeps its place behind it');
  pool.give(b);
  const cBuf = await c;
  assert.is(cBuf.length, 4 * MIB);
  pool.give(cBuf);
  await d;
  assert.equal(order, ['c', 'd']);
  assert.ok(pool.stats().lent + pool.stats().kept <= 4 * MIB);
});

test('a size above the whole budget waits until nothing is lent, and is not kept', async () => {
  const pool = createBufferPool(1 * MIB);
  const small = await pool.take(100 * KIB);
  let big: Buffer | undefined;
  const pending = pool.take(3 * MIB).then((x) => (big = x));
  await new Promise((r) => setTimeout(r, 10));
  assert.is(big, undefined);
  pool.give(small);
  await pending;
  assert.is(big!.length, 3 * MIB);
  pool.give(big!);
  assert.equal(
    pool.stats(),
    { lent: 0, kept: 0, blocks: 0 },
    'the small block made room for it; the big one is not kept',
  );
});

test('a buffer not from the pool is ignored', () => {
  const pool = createBufferPool(MIB);
  pool.give(Buffer.alloc(10));
  assert.equal(pool.stats(), { lent: 0, kept: 0, blocks: 0 });
});

test.run();
