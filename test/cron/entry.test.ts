// lib/cron/entry.ts without touching a crontab; installing into the real crontab is in
// test/commands/install-cron.test.ts.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { buildEntry, cronSettings, describeNextRuns } from '../../lib/cron/entry.ts';
import { ConfigError } from '../../lib/errors.ts';
import { tempDir } from '../support/env.ts';

const settings = { cronSchedule: '0 3 * * *', cronTz: '', logDir: '/srv/tg/logs' };
const noConfig = { env: {}, root: tempDir('cron-root'), configFile: undefined, overrides: {} };

test('the entry runs this node on this project, logs to cron.log, and passes --config on', () => {
  const entry = buildEntry({ root: PROJECT_ROOT, settings, configFile: '/etc/tg.env' });
  assert.match(
    entry,
    new RegExp(
      `^0 3 \\* \\* \\* cd '${PROJECT_ROOT}' && .*'${process.execPath}' scripts/launch\\.mjs sync '--config' '/etc/tg\\.env' >> '/srv/tg/logs/cron\\.log' 2>&1$`,
      'm',
    ),
  );
});

test('without a configuration: showing the entry works with a warning; installing refuses and lists the problems', () => {
  const shown = cronSettings({ ...noConfig, complete: false });
  assert.equal([shown.cronSchedule, shown.cronTz, shown.logDir], ['0 3 * * *', '', path.join(noConfig.root, 'logs')]);
  assert.match(
    shown.warning ?? '',
    /^warning: the job will fail until the configuration is fixed \(\d+ problems\):\n {2}- MINIO_ENDPOINT: /,
  );
  assert.throws(
    () => cronSettings({ ...noConfig, complete: true }),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('MINIO_ENDPOINT')),
  );
});

test('a bad schedule or zone is a config error naming the flag or key it came from, even just to show it', () => {
  const bad =
    (overrides: object, env = {}) =>
    () =>
      cronSettings({ ...noConfig, env, overrides, complete: false });
  assert.throws(
    bad({ CRON_SCHEDULE: { flag: '--schedule', value: '0 3 * *' } }),
    (e: unknown) => e instanceof ConfigError && /^--schedule: expected 5 fields/.test(e.problems[0]!),
  );
  assert.throws(
    bad({ CRON_TZ: { flag: '--tz', value: 'Nowhere/City' } }),
    (e: unknown) => e instanceof ConfigError && /^--tz: expected an IANA time zone/.test(e.problems[0]!),
  );
  assert.throws(
    bad({}, { CRON_TZ: 'Mars/Olympus' }),
    (e: unknown) => e instanceof ConfigError && /^CRON_TZ: expected an IANA time zone/.test(e.problems[0]!),
  );
});

test('the next five runs, in the zone cron will use', () => {
  const text = describeNextRuns('30 2 * * *', '', new Date('2026-11-23T12:00:00Z'));
  assert.match(text, /^next five runs \([^)]+\):\n/);
  assert.is((text.match(/^ {2}\w{3} \d{4}-\d\d-\d\d 02:30$/gm) ?? []).length, 5);
});

test.run();
