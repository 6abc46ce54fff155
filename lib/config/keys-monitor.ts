// The configuration keys of monitoring and scheduling: notifications, metrics, the cron entry.
import { checkCronSchedule, isValidTimeZone } from './cron-schedule.ts';
import { key, pathIn } from './key-spec.ts';
import * as v from './values.ts';

export const MONITOR_KEYS = {
  NOTIFY_TELEGRAM_BOT_TOKEN: key(
    '',
    [
      'Telegram bot token for run notifications (from @BotFather; a secret: masked everywhere);',
      'empty = no Telegram message',
    ],
    v.text,
  ),
  NOTIFY_TELEGRAM_CHAT_ID: key(
    '',
    'chat the bot writes to (a user, group or channel id, or `@channel`); needed with the token',
    (raw, ctx) => {
      const id = raw.trim();
      if (!id && ctx.raw('NOTIFY_TELEGRAM_BOT_TOKEN').trim())
        throw new v.Expected('a chat id (NOTIFY_TELEGRAM_BOT_TOKEN is set)');
      if (id && !/^(-?\d+|@\w{4,})$/.test(id))
        throw new v.Expected('a numeric chat id like -1001234567890 or @channelname');
      return id;
    },
  ),
  NOTIFY_TELEGRAM_API_URL: key(
    'https://api.telegram.org',
    'base URL of the Telegram Bot API (a local Bot API server, or a test server)',
    v.httpUrl,
  ),
  NOTIFY_WEBHOOK_URL: key(
    '',
    [
      'POSTs JSON `{"text": ..., "run": ...}` here (Slack, Mattermost, ntfy accept `text`; a',
      'secret: masked everywhere); empty = none',
    ],
    v.httpUrl,
  ),
  NOTIFY_ON: key(
    'failure',
    [
      'when to notify: `failure` (a failed or partial run, an unhealthy test-sync, a run that',
      'could not start), `change` (also the first success after a failure), `always`',
    ],
    (raw) => {
      const on = raw.trim().toLowerCase();
      if (!['failure', 'change', 'always'].includes(on)) throw new v.Expected('failure, change or always');
      return on as 'failure' | 'change' | 'always';
    },
  ),
  NOTIFY_REPEAT_MINUTES: key(
    '60',
    [
      '`--watch`: while runs keep failing, at most one reminder per this many minutes (with the',
      'count), so a failing server is no message storm',
    ],
    v.secondsAsMs(1, 7 * 24 * 60),
  ),
  SYNC_METRICS_FILE: key(
    '',
    [
      "Prometheus text file written atomically after every run (for node_exporter's textfile",
      'collector, e.g. `/var/lib/node_exporter/textfile/telegram_sync.prom`); empty = none',
    ],
    (raw, ctx) => (raw.trim() ? pathIn(raw, ctx) : ''),
  ),
  SYNC_METRICS_LISTEN: key(
    '',
    ['`--watch`: serve `/metrics`, `/healthz` and `/status` on `host:port`; `on` =', '`127.0.0.1:9464`; empty = off'],
    v.listenAddress,
  ),
  SYNC_METRICS_TOKEN: key(
    '',
    [
      '`--watch`: when set, `/metrics` and `/status` answer only a request with `Authorization: Bearer` and',
      'this token (`/healthz` stays open); set it when `SYNC_METRICS_LISTEN` is not a loopback address',
    ],
    (raw, ctx) => {
      const t = raw.trim();
      // A secret: the problem never quotes it.
      if (t && t.length < 16) ctx.problem('expected a token of 16 characters or more (e.g. openssl rand -hex 24)');
      return t;
    },
  ),
  CRON_SCHEDULE: key(
    '0 3 * * *',
    'schedule `install-cron` uses (five fields or `@daily`-style); `--schedule` overrides',
    (raw, ctx) => {
      const check = checkCronSchedule(raw);
      if (!check.ok) ctx.problem(check.problem);
      return raw.trim();
    },
  ),
  CRON_TZ: key(
    '',
    [
      'time zone for the schedule, e.g. `Europe/Berlin` (written as `CRON_TZ=`); empty = the',
      'system zone; `--tz` overrides',
    ],
    (raw) => {
      const tz = raw.trim();
      if (tz && !isValidTimeZone(tz)) throw new v.Expected('an IANA time zone like "Europe/Berlin"');
      return tz;
    },
  ),
} as const;
