import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCronSchedule } from '../../lib/config/cron-schedule.ts';

test('valid schedules and macros pass; invalid ones say what is wrong', () => {
  assert.equal(checkCronSchedule('0 3 * * *'), { ok: true });
  assert.equal(checkCronSchedule('@daily'), { ok: true });
  assert.equal(checkCronSchedule('*/15 2-5 * * 1-5'), { ok: true });
  const cases: Array<[string, RegExp]> = [
    ['61 3 * * *', /expected range 0-59/],
    ['0 3 * *', /expected 5 fields .*got 4/],
    ['0 0 3 * * *', /expected 5 fields .*got 6/],
    ['@reboot', /expected one of @yearly/],
    ['', /got nothing/],
    ['0 25 * * *', /expected range 0-23/],
  ];
  for (const [s, re] of cases) {
    const r = checkCronSchedule(s);
    assert.not.ok(r.ok, s);
    if (!r.ok) assert.match(r.problem, re);
  }
  const tz = checkCronSchedule('0 3 * * *', 'Mars/Olympus');
  assert.not.ok(tz.ok);
});

test.run();
