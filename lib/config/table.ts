// Every configuration key in one table: its parser, its default and its documentation line.
// The loader reads this table; the README's configuration table and .env.example are checked
// against it (test/config/docs.test.ts), so the three cannot drift apart.
import path from 'node:path';
import { checkCronSchedule, isValidTimeZone } from './cron-schedule.ts';
import { parseSources, type SourceDir } from './sources.ts';
import * as v from './values.ts';

export const DEFAULT_PARTIAL_SUFFIXES = [
  '.tmp',
  '.tdd',
  '.temp',
  '.part',
  '.partial',
  '.crdownload',
  '.download',
] as const;

export interface ParseContext {
  // Relative paths are resolved against this folder (the project's).
  readonly root: string;
  // The raw value of another key, for the few checks that involve two keys.
  raw(key: string): string;
  // Report a problem beyond the first (a parser that finds one problem throws Expected).
  problem(text: string): void;
}

export interface KeySpec<T> {
  readonly default: string;
  // One line for the README table (Markdown).
  readonly doc: string;
  readonly parse: (raw: string, ctx: ParseContext) => T;
}

const key = <T>(defaultValue: string, doc: string, parse: (raw: string, ctx: ParseContext) => T): KeySpec<T> => ({
  default: defaultValue,
  doc,
  parse,
});
const pathIn = (raw: string, ctx: ParseContext): string => path.resolve(ctx.root, v.required('a path')(raw));

export const CONFIG_KEYS = {
  MINIO_ENDPOINT: key('', 'S3/MinIO endpoint URL, e.g. `http://127.0.0.1:9000` (required)', v.endpoint),
  MINIO_ACCESS_KEY: key('', 'access key (required; never logged)', v.required('an access key')),
  MINIO_SECRET_KEY: key('', 'secret key (required; never logged)', v.required('a secret key')),
  MINIO_BUCKET: key('', 'bucket to upload into; created if missing (required)', v.bucketName),
  MINIO_REGION: key('us-east-1', 'region used for signing and bucket creation', (raw) => raw.trim() || 'us-east-1'),
  MINIO_PREFIX: key('', 'key prefix for every object, e.g. `telegram/`', v.keyPrefix),
  SYNC_DOWNLOAD_DIRS: key(
    '',
    "download directories, comma-separated (or a JSON array); `name=/path` puts that directory's objects under `name/`, a bare path at the top, so adding a directory never changes the others' keys (required)",
    (raw, ctx): SourceDir[] => parseSources(raw, ctx.root, ctx.problem),
  ),
  SYNC_LEGACY_CACHE: key(
    '',
    "the old system's `file_hashes.json`, read as a hint when taking over its bucket (`--import-legacy-cache` sets it for one run); empty = none",
    (raw, ctx) => (raw.trim() ? path.resolve(ctx.root, raw.trim()) : ''),
  ),
  SYNC_CACHE_FILE: key('state/file_hashes.json', 'hash cache (a journal sits beside it as `<file>.journal`)', pathIn),
  SYNC_LOCK_FILE: key('state/telegram_sync.lock', 'lock file that keeps runs from overlapping', pathIn),
  SYNC_LOCK_WAIT_SECONDS: key(
    '300',
    'a run that finds another run (or a watch-mode batch) holding the lock waits this long for it, then exits 4; 0 = exit 4 at once',
    v.secondsAsMs(0, 24 * 3600),
  ),
  SYNC_WATCH_RESCAN_MINUTES: key(
    '60',
    '`--watch`: a full scan every this many minutes (decimals allowed), the safety net for events the kernel dropped',
    (raw) => {
      const n = Number(raw.trim());
      if (!raw.trim() || !Number.isFinite(n) || n < 0.05 || n > 7 * 24 * 60)
        throw new v.Expected('minutes from 0.05 to 10080');
      return Math.round(n * 60_000);
    },
  ),
  SYNC_STOP_TIMEOUT_SECONDS: key(
    '30',
    '`--watch`: on SIGTERM/SIGINT, uploads in flight get this long to finish before they are abandoned (never recorded); a second signal stops at once',
    v.secondsAsMs(1, 3600),
  ),
  SYNC_LOG_DIR: key('logs', 'where `telegram_sync_YYYYMMDD.log` and the run records go', pathIn),
  SYNC_LOG_RETENTION_DAYS: key(
    '30',
    'dated logs and run records older than this many days are removed at the start of a run; `cron.log` is cut to its last 1 MiB past 8 MiB',
    v.wholeNumber(1, 3650),
  ),
  SYNC_CONCURRENCY: key('4', 'uploads in parallel (1-64); `--concurrency` overrides', v.wholeNumber(1, 64)),
  SYNC_CHECKERS: key(
    '8',
    "files looked at in parallel (hashed, checked in the bucket, copied on the server); at least `SYNC_CONCURRENCY`, as rclone's `--checkers`",
    v.wholeNumber(1, 256),
  ),
  SYNC_STABLE_SECONDS: key(
    '60',
    'a file is complete once its size and ctime have not changed for this long',
    v.secondsAsMs(0, 7 * 24 * 3600),
  ),
  SYNC_PARTIAL_SUFFIXES: key(
    DEFAULT_PARTIAL_SUFFIXES.join(','),
    'suffixes of in-progress downloads, never uploaded',
    v.suffixes,
  ),
  SYNC_EXCLUDE: key(
    '',
    'glob patterns (relative to a download dir, matched by picomatch) to skip: `*` `?` within a name, `**` across folders, `[abc]`, `{jpg,png}`; without `/` a pattern matches a name at any depth (as in .gitignore), with `/` the whole path; `!pattern` takes back an earlier exclusion; a matching folder is skipped whole',
    v.list,
  ),
  SYNC_PART_SIZE_MB: key(
    '16',
    'multipart part size in MiB (min 5)',
    (raw) => v.wholeNumber(5, 5 * 1024)(raw) * 1024 * 1024,
  ),
  SYNC_MEMORY_MB: key(
    '32',
    'memory for file contents in flight (small files held between hashing and sending, upload parts); work waits for it; at least twice `SYNC_PART_SIZE_MB`',
    (raw, ctx) => {
      const mib = v.wholeNumber(10, 64 * 1024)(raw);
      const part = Number(ctx.raw('SYNC_PART_SIZE_MB'));
      if (Number.isInteger(part) && mib < 2 * part)
        throw new v.Expected(`at least twice SYNC_PART_SIZE_MB (${2 * part})`);
      return mib * 1024 * 1024;
    },
  ),
  SYNC_RETRIES: key(
    '4',
    'retries per request for network errors and 5xx, with exponential backoff',
    v.wholeNumber(0, 20),
  ),
  SYNC_REQUEST_TIMEOUT_SECONDS: key(
    '120',
    'a request to the S3 server that gets no answer (and sends nothing) for this long is cut and retried',
    v.secondsAsMs(1, 3600),
  ),
  SYNC_RETRY_BASE_MS: key('500', 'first retry delay; doubles each retry', v.wholeNumber(1, 60_000)),
  SYNC_CONTAINERS: key(
    '',
    'containers that must be running before a sync (e.g. `telegram-downloader,minio`); empty = none',
    v.list,
  ),
  DJANGO_CONTAINER: key(
    '',
    'container to run the processing command in (e.g. `django`); empty = no processing stage',
    v.text,
  ),
  PROCESS_COMMAND: key(
    'python manage.py process_scrap',
    'command run with `docker exec` after uploads (split on spaces, or a JSON array)',
    (raw, ctx) => {
      const argv = v.command(raw);
      if (!argv.length && ctx.raw('DJANGO_CONTAINER').trim()) throw new v.Expected('a command');
      return argv;
    },
  ),
  PROCESS_DEBOUNCE_SECONDS: key(
    '60',
    '`--watch`: the processing command runs once uploads have been quiet this long',
    v.secondsAsMs(0, 24 * 3600),
  ),
  PROCESS_MIN_INTERVAL_SECONDS: key(
    '300',
    '`--watch`: at least this long between two starts of the processing command',
    v.secondsAsMs(0, 7 * 24 * 3600),
  ),
  PROCESS_TIMEOUT_SECONDS: key(
    '1800',
    'processing is killed and reported after this long',
    v.secondsAsMs(1, 7 * 24 * 3600),
  ),
  CONTAINER_START_TIMEOUT_SECONDS: key(
    '60',
    'how long to wait for a started container to run (and be healthy)',
    v.secondsAsMs(1, 3600),
  ),
  DOCKER_HOST: key(
    '',
    'Docker daemon socket for the docker CLI (also read from `.env`, so cron finds it); empty = the CLI default',
    v.text,
  ),
  DOCKER_CONTEXT: key('', 'Docker CLI context to use; empty = the CLI default', v.text),
  HEALTH_MODEL: key(
    '',
    'what `test-sync` reads processed rows from: `app_label.Model` (through Django), or a table name; empty = no database check',
    v.identifier(true),
  ),
  HEALTH_KEY_FIELD: key('key', 'field (column) of `HEALTH_MODEL` holding the object key', v.identifier(false)),
  HEALTH_TIME_FIELD: key(
    'processed_at',
    'field (column) of `HEALTH_MODEL` holding when it was processed',
    v.identifier(false),
  ),
  HEALTH_WINDOW_HOURS: key(
    '24',
    '`test-sync` looks at objects and rows changed this recently; `--since` overrides',
    v.duration,
  ),
  HEALTH_MAX_AGE_HOURS: key(
    '26',
    '`test-sync` fails if the last successful sync is older; `--max-age` overrides',
    v.duration,
  ),
  NOTIFY_TELEGRAM_BOT_TOKEN: key(
    '',
    'Telegram bot token for run notifications (from @BotFather; a secret: masked everywhere); empty = no Telegram message',
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
    'POSTs JSON `{"text": ..., "run": ...}` here (Slack, Mattermost, ntfy accept `text`; a secret: masked everywhere); empty = none',
    v.httpUrl,
  ),
  NOTIFY_ON: key(
    'failure',
    'when to notify: `failure` (a failed or partial run, an unhealthy test-sync, a run that could not start), `change` (also the first success after a failure), `always`',
    (raw) => {
      const on = raw.trim().toLowerCase();
      if (!['failure', 'change', 'always'].includes(on)) throw new v.Expected('failure, change or always');
      return on as 'failure' | 'change' | 'always';
    },
  ),
  NOTIFY_REPEAT_MINUTES: key(
    '60',
    '`--watch`: while runs keep failing, at most one reminder per this many minutes (with the count), so a failing server is no message storm',
    v.secondsAsMs(1, 7 * 24 * 60),
  ),
  SYNC_METRICS_FILE: key(
    '',
    "Prometheus text file written atomically after every run (for node_exporter's textfile collector, e.g. `/var/lib/node_exporter/textfile/telegram_sync.prom`); empty = none",
    (raw, ctx) => (raw.trim() ? pathIn(raw, ctx) : ''),
  ),
  SYNC_METRICS_LISTEN: key(
    '',
    '`--watch`: serve `/metrics`, `/healthz` and `/status` on `host:port`; `on` = `127.0.0.1:9464`; empty = off',
    v.listenAddress,
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
    'time zone for the schedule, e.g. `Europe/Berlin` (written as `CRON_TZ=`); empty = the system zone; `--tz` overrides',
    (raw) => {
      const tz = raw.trim();
      if (tz && !isValidTimeZone(tz)) throw new v.Expected('an IANA time zone like "Europe/Berlin"');
      return tz;
    },
  ),
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValues = { readonly [K in ConfigKey]: ReturnType<(typeof CONFIG_KEYS)[K]['parse']> };

// The README's configuration table, rendered from CONFIG_KEYS.
export function renderConfigTable(): string {
  const rows = Object.entries(CONFIG_KEYS).map(
    ([name, k]) => `| \`${name}\` |${k.default ? ` \`${k.default}\` ` : ' '}| ${k.doc} |`,
  );
  return ['| key | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
