import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cronHonoursCronTz, formatInZone, nextRuns } from '../../lib/cron/schedule.ts';

test('next runs are computed in the given zone', () => {
  const from = new Date('2026-11-23T12:00:00Z');
  const utc = nextRuns('0 3 * * *', { tz: 'UTC', from });
  assert.equal(
    utc.map((d) => d.toISOString()),
    [
      '2026-11-24T03:00:00.000Z',
      '2026-11-25T03:00:00.000Z',
      '2026-11-26T03:00:00.000Z',
      '2026-11-27T03:00:00.000Z',
      '2026-11-28T03:00:00.000Z',
    ],
  );
  const berlin = nextRuns('0 3 * * *', { tz: 'Europe/Berlin', from, count: 1 });
  assert.is(berlin[0]?.toISOString(), '2026-11-24T02:00:00.000Z');
  assert.is(formatInZone(berlin[0]!, 'Europe/Berlin'), 'Tue 2026-11-24 03:00');
});

test('CRON_TZ support is read from the cron binary', () => {
  assert.ok(cronHonoursCronTz('/x', () => Buffer.from('...CRON_TZ...')));
  assert.not.ok(cronHonoursCronTz('/x', () => Buffer.from('vixie')));
  assert.not.ok(cronHonoursCronTz('/does/not/exist'));
});

test.run();
