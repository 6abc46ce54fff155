// lib/stop-signals.ts over a real EventEmitter standing in for the process's signal source.
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catchStopSignals, type StopSignal } from '../lib/stop-signals.ts';
import { waitFor } from './support/env.ts';

test('the first signal stops, the grace then abandons; a second signal abandons at once; dispose lets go', async () => {
  const signals = new EventEmitter();
  const seen: string[] = [];
  const stop = catchStopSignals({
    graceMs: 100,
    onStop: (s) => seen.push(`stop ${s}`),
    onAbandon: (s) => seen.push(`abandon ${s}`),
    signals,
  });
  assert.is(stop.signal(), undefined);
  signals.emit('SIGHUP');
  assert.is(stop.signal(), 'SIGHUP');
  await waitFor('the grace to run out', () => seen.length === 2, 5000);
  assert.equal(seen, ['stop SIGHUP', 'abandon SIGHUP']);
  signals.emit('SIGTERM');
  assert.equal(seen, ['stop SIGHUP', 'abandon SIGHUP', 'abandon SIGHUP'], 'a later signal abandons at once');
  stop.dispose();
  assert.is(signals.listenerCount('SIGTERM'), 0);
});

test('a run that ends within the grace is never abandoned', async () => {
  const signals = new EventEmitter();
  const abandoned: StopSignal[] = [];
  const stop = catchStopSignals({ graceMs: 50, onStop: () => undefined, onAbandon: (s) => abandoned.push(s), signals });
  signals.emit('SIGINT');
  stop.dispose(); // the run ended
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(abandoned, []);
});

test.run();
