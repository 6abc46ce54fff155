// The scheduler's rules on a hand-driven clock (its timers are the parameter it takes for that).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createProcessScheduler, type Timers } from '../../lib/watch/debounce.ts';

function clock() {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const t: Timers = {
    set: (fn, ms) => (timers.set(++seq, { at: now + ms, fn }), seq),
    clear: (h) => void timers.delete(h as number),
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      const next = [...timers].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > until) break;
      timers.delete(next[0]);
      now = next[1].at;
      next[1].fn();
      await new Promise((r) => setImmediate(r));
    }
    now = until;
  };
  return { t, advance, now: () => now };
}

test('a burst is processed once, after the quiet period; never twice at once; at most once per interval; a failure is owed again', async () => {
  const c = clock();
  const runs: Array<{ at: number; count: number }> = [];
  let result = true;
  const s = createProcessScheduler({
    debounceMs: 60_000,
    minIntervalMs: 300_000,
    now: c.now,
    timers: c.t,
    run: async (count) => (runs.push({ at: c.now(), count }), result),
  });
  for (let i = 0; i < 10; i++) {
    s.uploaded(5);
    await c.advance(10_000);
  }
  await c.advance(60_000);
  assert.equal(runs, [{ at: 150_000, count: 50 }]);
  s.uploaded(1);
  await c.advance(61_000);
  assert.is(runs.length, 1, 'not before the interval');
  await c.advance(300_000);
  assert.equal(runs[1], { at: 450_000, count: 1 });
  result = false;
  s.uploaded(2);
  await c.advance(400_000);
  assert.equal(runs[2]?.count, 2);
  assert.is(s.owed, 2, 'a failed run is owed again');
  result = true;
  await c.advance(400_000);
  assert.equal([runs.length, runs[3]?.count, s.owed], [4, 2, 0]);
  s.stop();
  s.uploaded(3);
  await c.advance(10_000_000);
  assert.is(runs.length, 4, 'nothing after stop');
});

test.run();
