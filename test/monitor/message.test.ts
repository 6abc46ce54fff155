// lib/monitor/message.ts: when to notify (one table) and what the message says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decide, formatMessage, INITIAL_STATE, type NotifyOn, type NotifyState } from '../../lib/monitor/message.ts';
import type { Outcome } from '../../lib/monitor/outcome.ts';

const T0 = Date.parse('2026-11-25T03:00:00Z');
const ok: Outcome = { source: 'sync', at: '2026-11-25T03:00:05.000Z', ok: true, exitCode: 0, headline: '3 uploaded' };
const bad: Outcome = {
  source: 'sync',
  at: '2026-11-25T03:00:05.000Z',
  ok: false,
  exitCode: 5,
  headline: 'S3 server unreachable: connect ECONNREFUSED 127.0.0.1:9',
};
const failing: NotifyState = {
  failing: true,
  failures: 2,
  since: '2026-11-24T03:00:00.000Z',
  lastSentAt: new Date(T0 - 10 * 60_000).toISOString(),
};

test('the decision table, nightly runs', () => {
  const rows: Array<[NotifyOn, Outcome, NotifyState, boolean, RegExp]> = [
    ['failure', bad, INITIAL_STATE, true, /^the run failed$/],
    ['failure', bad, failing, true, /failed again/],
    ['failure', ok, INITIAL_STATE, false, /succeeded/],
    ['failure', ok, failing, false, /recovered/],
    ['change', ok, failing, true, /^recovered after 2 failure\(s\)$/],
    ['change', ok, INITIAL_STATE, false, /succeeded/],
    ['always', ok, INITIAL_STATE, true, /succeeded/],
    ['always', bad, INITIAL_STATE, true, /failed/],
  ];
  for (const [on, o, prev, send, why] of rows) {
    const d = decide(on, o, prev, { watch: false, repeatMs: 3600_000, now: T0 });
    assert.is(d.send, send, `${on} ${o.ok ? 'ok' : 'failed'} after ${prev.failing ? 'failures' : 'success'}`);
    assert.match(d.why, why);
    assert.is(d.next.failing, !o.ok);
  }
});

test('watch mode: repeated failures coalesce into one reminder per repeat period, with the count; always means change', () => {
  const opts = { watch: true, repeatMs: 3600_000, now: T0 };
  const first = decide('failure', bad, INITIAL_STATE, opts);
  assert.equal([first.send, first.next.failures], [true, 1]);
  const soon = decide('failure', bad, first.next, { ...opts, now: T0 + 60_000 });
  assert.equal([soon.send, soon.next.failures], [false, 2]);
  assert.match(soon.why, /reminder was sent less than 60 min ago/);
  const later = decide('failure', bad, soon.next, { ...opts, now: T0 + 3600_000 });
  assert.equal([later.send, later.next.failures], [true, 3]);
  assert.match(later.why, /still failing \(3 failures since 2026-11-25T03:00:05\.000Z\)/);
  assert.is(decide('always', ok, INITIAL_STATE, opts).send, false, 'no message per successful batch');
  assert.is(decide('always', ok, later.next, opts).send, true, 'the recovery is sent');
});

// And: in watch mode too, whatever NOTIFY_ON says.
test('a message that reached no target is owed: the next outcome is sent', () => {
  const owed: NotifyState = { ...failing, undelivered: true };
  const watch = { watch: true, repeatMs: 60 * 60_000, now: T0 };
  assert.ok(decide('failure', bad, owed, watch).send, 'a reminder within the hour, because the last one never arrived');
  assert.not.ok(decide('failure', bad, failing, watch).send, 'the same reminder is held when the last one arrived');
  assert.ok(decide('failure', ok, owed, watch).send, 'the recovery is told, since the failure never was');
  assert.is(decide('failure', ok, owed, watch).next.undelivered, undefined);
});

test('the message: what failed in one line, the counts, the exit code meaning, where to look', () => {
  const d = decide('failure', bad, failing, { watch: false, repeatMs: 1, now: T0 });
  const text = formatMessage(bad, d, {
    host: 'nas',
    project: '/srv/tg',
    logFile: '/srv/tg/logs/telegram_sync_20261125.log',
  });
  assert.is(
    text.split('\n')[0],
    '❌ telegram-sync on nas: sync FAILED (exit 5: the S3 server could not be reached or stopped answering)',
  );
  assert.is(text.split('\n')[1], 'S3 server unreachable: connect ECONNREFUSED 127.0.0.1:9');
  assert.match(text, /failing 3 times in a row, since 2026-11-24T03:00:00\.000Z/);
  assert.match(
    text,
    /look further: cd \/srv\/tg && npx zx scripts\/test-sync\.ts --no-sync; log: \/srv\/tg\/logs\/telegram_sync_20261125\.log$/,
  );
  const recovered = formatMessage(ok, decide('change', ok, failing, { watch: false, repeatMs: 1, now: T0 }), {
    host: 'nas',
    project: '/p',
    logFile: '/l',
  });
  assert.is(recovered, '✅ telegram-sync on nas: sync ok (recovered after 2 failure(s))');
});

test.run();
