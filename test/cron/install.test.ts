// The pure parts of lib/cron/install.ts; installing into the real crontab is in
// test/e2e/install-cron.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { buildEntry, describeNextRuns } from '../../lib/cron/install.ts';
import { ConfigError } from '../../lib/errors.ts';

const config = { cronSchedule: '0 3 * * *', logDir: '/srv/tg/logs' };

test('the entry runs this node on this project, logs to cron.log, and passes --env-file on', () => {
  const entry = buildEntry({ root: PROJECT_ROOT, config, tz: '', scheduleFrom: 'CRON_SCHEDULE', envFile: '/etc/tg.env' });
  assert.match(entry, new RegExp(`^0 3 \\* \\* \\* cd '${PROJECT_ROOT}' && .*'${process.execPath}' --import tsx scripts/sync\\.ts '--env-file' '/etc/tg\\.env' >> '/srv/tg/logs/cron\\.log' 2>&1$`, 'm'));
});

test('a bad schedule or zone is a config error naming where it came from', () => {
  assert.throws(() => buildEntry({ root: PROJECT_ROOT, config: { ...config, cronSchedule: '0 3 * *' }, tz: '', scheduleFrom: '--schedule' }), (e: unknown) => e instanceof ConfigError && /^--schedule: expected 5 fields/.test((e as ConfigError).problems[0]!));
  assert.throws(() => buildEntry({ root: PROJECT_ROOT, config, tz: 'Nowhere/City', scheduleFrom: '--tz' }), (e: unknown) => e instanceof ConfigError && /^--tz: expected an IANA time zone/.test((e as ConfigError).problems[0]!));
});

test('the next five runs, in the zone cron will use', () => {
  const text = describeNextRuns('30 2 * * *', '', new Date('2026-11-23T12:00:00Z'));
  assert.match(text, /^next five runs \([^)]+\):\n/);
  assert.is((text.match(/^ {2}\w{3} \d{4}-\d\d-\d\d 02:30$/gm) ?? []).length, 5);
});

test.run();
