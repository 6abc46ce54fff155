import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HeldLock } from '../../lib/lock/lock.ts';
import type { HashCache } from '../../lib/sync/cache/cache.ts';
import { createRunSession } from '../../lib/watch/session.ts';

// A stand-in lock and cache that count what is done to them (the real ones: test/watch/signals.test.ts).
function counters() {
  const c = { taken: 0, released: 0, loaded: 0, closed: 0 };
  const take = async (file: string): Promise<HeldLock> => (c.taken++, { file, release: () => void c.released++ });
  const load = async () => (c.loaded++, { close: () => void c.closed++ }) as unknown as HashCache;
  return { c, take, load };
}

test('overlapping runs take the lock once and share one cache; the last to let go releases both', async () => {
  const { c, take, load } = counters();
  const s = createRunSession(take);
  const a = await s.lock('/l');
  const cacheA = await s.cache(load);
  const b = await s.lock('/l');
  assert.is(await s.cache(load), cacheA, 'one cache');
  assert.equal([c.taken, c.loaded], [1, 1]);
  a.release();
  a.release(); // twice is once
  assert.equal([c.released, c.closed], [0, 0], 'b still runs');
  b.release();
  await new Promise((r) => setImmediate(r));
  assert.equal([c.released, c.closed], [1, 1]);
  await s.lock('/l');
  await s.cache(load);
  assert.equal([c.taken, c.loaded], [2, 2], 'the next spell reads the cache again (a nightly run may have changed it)');
  s.abandon();
  await new Promise((r) => setImmediate(r));
  assert.equal([c.released, c.closed], [2, 2], 'a stop that abandons lets the lock go at once');
});

test('a lock that could not be taken leaves the session free to try again', async () => {
  let fail = true;
  const s = createRunSession(async (file) => {
    if (fail) throw new Error('held by another run');
    return { file, release() {} };
  });
  await s.lock('/l').then(
    () => assert.unreachable('taken'),
    (e: Error) => assert.match(e.message, /held by another run/),
  );
  fail = false;
  assert.is((await s.lock('/l')).file, '/l');
});

test.run();
