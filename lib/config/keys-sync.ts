// The configuration keys of the sync itself: the S3 server and bucket, the download folders, the
// state files, and how hard it works (concurrency, memory, retries, timeouts).
import path from 'node:path';
import { parseSources, type SourceDir } from './sources.ts';
import { key, pathIn } from './key-spec.ts';
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

export const SYNC_KEYS = {
  MINIO_ENDPOINT: key('', 'S3/MinIO endpoint URL, e.g. `http://127.0.0.1:9000` (required)', v.endpoint),
  MINIO_ACCESS_KEY: key('', 'access key (required; never logged)', v.required('an access key')),
  MINIO_SECRET_KEY: key('', 'secret key (required; never logged)', v.required('a secret key')),
  MINIO_BUCKET: key('', 'bucket to upload into; created if missing (required)', v.bucketName),
  MINIO_REGION: key('us-east-1', 'region used for signing and bucket creation', (raw) => raw.trim() || 'us-east-1'),
  MINIO_PREFIX: key('', 'key prefix for every object, e.g. `telegram/`', v.keyPrefix),
  SYNC_DOWNLOAD_DIRS: key(
    '',
    [
      'download directories, comma-separated (or a JSON array); `name=/path` puts that',
      "directory's objects under `name/`, a bare path at the top, so adding a directory never",
      "changes the others' keys (required)",
    ],
    (raw, ctx): SourceDir[] => parseSources(raw, ctx.root, ctx.problem),
  ),
  SYNC_LEGACY_CACHE: key(
    '',
    [
      "the old system's `file_hashes.json`, read as a hint when taking over its bucket",
      '(`--import-legacy-cache` sets it for one run); empty = none',
    ],
    (raw, ctx) => (raw.trim() ? path.resolve(ctx.root, raw.trim()) : ''),
  ),
  SYNC_CACHE_FILE: key('state/file_hashes.json', 'hash cache (a journal sits beside it as `<file>.journal`)', pathIn),
  SYNC_BUCKET_PROOF: key(
    'listing',
    [
      '`listing`: every run proves the cache against a listing of the bucket (key, size, ETag; one request per',
      '1,000 keys): an object missing is uploaded again, one changed is replaced; `off`: the cache is trusted',
    ],
    (raw) => v.oneOf('listing', 'off')(raw) === 'listing',
  ),
  SYNC_LOST_MOUNT: key(
    'fail',
    [
      'a download folder that was a mount point and is not now (the volume is not mounted): `fail` the run',
      '(exit 12, notified) or `warn` and go on',
    ],
    v.oneOf('fail', 'warn'),
  ),
  SYNC_EMPTY_SOURCE: key(
    'warn',
    'a download folder that is empty while the cache holds its files: `warn` (some remove files once synced) or `fail`',
    v.oneOf('warn', 'fail'),
  ),
  SYNC_LOCK_FILE: key('state/telegram_sync.lock', 'lock file that keeps runs from overlapping', pathIn),
  SYNC_LOCK_WAIT_SECONDS: key(
    '300',
    [
      'a run that finds another run (or a watch-mode batch) holding the lock waits this long for',
      'it, then exits 4; 0 = exit 4 at once',
    ],
    v.secondsAsMs(0, 24 * 3600),
  ),
  SYNC_WATCH_RESCAN_MINUTES: key(
    '60',
    [
      '`--watch`: a full scan every this many minutes (decimals allowed), the safety net for',
      'events the kernel dropped',
    ],
    (raw) => {
      const n = Number(raw.trim());
      if (!raw.trim() || !Number.isFinite(n) || n < 0.05 || n > 7 * 24 * 60)
        throw new v.Expected('minutes from 0.05 to 10080');
      return Math.round(n * 60_000);
    },
  ),
  SYNC_WATCH_PROOF_HOURS: key(
    '24',
    "`--watch`: a rescan proves the cache against the bucket's listing at least this often (the first one does)",
    (raw) => {
      const n = Number(raw.trim());
      if (!raw.trim() || !Number.isFinite(n) || n <= 0 || n > 24 * 365) throw new v.Expected('hours from 0.01');
      return Math.round(n * 3_600_000);
    },
  ),
  SYNC_STOP_TIMEOUT_SECONDS: key(
    '30',
    [
      'on SIGTERM/SIGINT (and SIGHUP in a one-shot run), uploads in flight get this long to finish',
      'before they are abandoned (never recorded); a second signal stops at once',
    ],
    v.secondsAsMs(1, 3600),
  ),
  SYNC_LOG_DIR: key('logs', 'where `telegram_sync_YYYYMMDD.log` and the run records go', pathIn),
  SYNC_LOG_RETENTION_DAYS: key(
    '30',
    [
      'dated logs and run records older than this many days are removed at the start of a run;',
      '`cron.log` is cut to its last 1 MiB past 8 MiB',
    ],
    v.wholeNumber(1, 3650),
  ),
  SYNC_CONCURRENCY: key('4', 'uploads in parallel (1-64); `--concurrency` overrides', v.wholeNumber(1, 64)),
  SYNC_CHECKERS: key(
    '8',
    [
      'files looked at in parallel (hashed, checked in the bucket, copied on the server); at',
      "least `SYNC_CONCURRENCY`, as rclone's `--checkers`",
    ],
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
    [
      'glob patterns (relative to a download dir, matched by picomatch) to skip: `*` `?` within a',
      'name, `**` across folders, `[abc]`, `{jpg,png}`; without `/` a pattern matches a name at',
      'any depth (as in .gitignore), with `/` the whole path; `!pattern` takes back an earlier',
      'exclusion; a matching folder is skipped whole',
    ],
    v.list,
  ),
  SYNC_PART_SIZE_MB: key(
    '16',
    'multipart part size in MiB (min 5)',
    (raw) => v.wholeNumber(5, 5 * 1024)(raw) * 1024 * 1024,
  ),
  SYNC_MEMORY_MB: key(
    '32',
    [
      'memory for file contents in flight (small files held between hashing and sending, upload',
      'parts); work waits for it; at least twice `SYNC_PART_SIZE_MB`',
    ],
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
    ['a request to the S3 server that gets no answer (and sends nothing) for this long is cut', 'and retried'],
    v.secondsAsMs(1, 3600),
  ),
  SYNC_RETRY_BASE_MS: key('500', 'first retry delay; doubles each retry', v.wholeNumber(1, 60_000)),
} as const;
