// Monitoring's keys: a bot token needs a chat; a schedule and a zone are checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ParseContext } from '../../lib/config/key-spec.ts';
import { MONITOR_KEYS } from '../../lib/config/keys-monitor.ts';

const ctx = (raw: Record<string, string> = {}, problems: string[] = []): ParseContext => ({
  root: '/srv/project',
  raw: (k) => raw[k] ?? '',
  problem: (p) => void problems.push(p),
});

test('a chat id is needed with a bot token, and must look like one', () => {
  const id = MONITOR_KEYS.NOTIFY_TELEGRAM_CHAT_ID;
  assert.is(id.parse('', ctx()), '');
  assert.throws(() => id.parse('', ctx({ NOTIFY_TELEGRAM_BOT_TOKEN: '1:x' })), /NOTIFY_TELEGRAM_BOT_TOKEN is set/);
  assert.is(id.parse('-1001234567890', ctx()), '-1001234567890');
  assert.throws(() => id.parse('my channel', ctx()), /numeric chat id/);
  assert.throws(() => MONITOR_KEYS.NOTIFY_ON.parse('sometimes', ctx()), /failure, change or always/);
});

test('CRON_SCHEDULE reports what is wrong; CRON_TZ must be a zone', () => {
  const problems: string[] = [];
  MONITOR_KEYS.CRON_SCHEDULE.parse('61 3 * * *', ctx({}, problems));
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /expected range 0-59/);
  assert.throws(() => MONITOR_KEYS.CRON_TZ.parse('Mars/Olympus', ctx()), /IANA time zone/);
  assert.is(MONITOR_KEYS.CRON_TZ.parse('Europe/Berlin', ctx()), 'Europe/Berlin');
});

test.run();
