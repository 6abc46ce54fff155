// Every configuration key, its default and its meaning: the one list that .env.example and the
// README table are checked against (test/docs.test.ts).
export const DEFAULT_PARTIAL_SUFFIXES = ['.tmp', '.tdd', '.temp', '.part', '.partial', '.crdownload', '.download'] as const;

// Every key the toolkit reads, with its default ('' = required or off) and a one-line meaning.
export const CONFIG_KEYS = {
  MINIO_ENDPOINT: { default: '', doc: 'S3/MinIO endpoint URL, e.g. http://127.0.0.1:9000 (required)' },
  MINIO_ACCESS_KEY: { default: '', doc: 'access key (required; never logged)' },
  MINIO_SECRET_KEY: { default: '', doc: 'secret key (required; never logged)' },
  MINIO_BUCKET: { default: '', doc: 'bucket to upload into; created if missing (required)' },
  MINIO_REGION: { default: 'us-east-1', doc: 'region used for signing and bucket creation' },
  MINIO_PREFIX: { default: '', doc: 'key prefix for every object, e.g. telegram/' },
  SYNC_DOWNLOAD_DIRS: { default: '', doc: 'download directories, comma-separated (or a JSON array); name one with name=/path (required)' },
  SYNC_CACHE_FILE: { default: 'state/file_hashes.json', doc: 'hash cache (a journal sits beside it as <file>.journal)' },
  SYNC_LOCK_FILE: { default: 'state/telegram_sync.lock', doc: 'lock file that keeps runs from overlapping' },
  SYNC_LOG_DIR: { default: 'logs', doc: 'where telegram_sync_YYYYMMDD.log and the run records go' },
  SYNC_CONCURRENCY: { default: '4', doc: 'uploads in parallel (1-64); --concurrency overrides' },
  SYNC_STABLE_SECONDS: { default: '60', doc: 'a file is complete once its size and ctime have not changed for this long' },
  SYNC_PARTIAL_SUFFIXES: { default: DEFAULT_PARTIAL_SUFFIXES.join(','), doc: 'suffixes of in-progress downloads, never uploaded' },
  SYNC_EXCLUDE: { default: '', doc: 'glob patterns (relative to a download dir) to skip, comma-separated; * ** ? supported' },
  SYNC_PART_SIZE_MB: { default: '16', doc: 'multipart part size in MiB (min 5); memory is about part size x concurrency' },
  SYNC_RETRIES: { default: '4', doc: 'retries per request for network errors and 5xx, with exponential backoff' },
  SYNC_RETRY_BASE_MS: { default: '500', doc: 'first retry delay; doubles each retry' },
  SYNC_CONTAINERS: { default: '', doc: 'containers that must be running before a sync (e.g. telegram-downloader,minio); empty = none' },
  DJANGO_CONTAINER: { default: '', doc: 'container to run the processing command in (e.g. django); empty = no processing stage' },
  PROCESS_COMMAND: { default: 'python manage.py process_scrap', doc: 'command run with docker exec after uploads (split on spaces, or a JSON array)' },
  PROCESS_TIMEOUT_SECONDS: { default: '1800', doc: 'processing is killed and reported after this long' },
  DOCKER_HOST: { default: '', doc: 'Docker daemon socket for the docker CLI (also read from .env, so cron finds it); empty = the CLI default' },
  DOCKER_CONTEXT: { default: '', doc: 'Docker CLI context to use; empty = the CLI default' },
  CONTAINER_START_TIMEOUT_SECONDS: { default: '60', doc: 'how long to wait for a started container to run (and be healthy)' },
  HEALTH_MODEL: { default: '', doc: 'what test-sync reads processed rows from: app_label.Model, or a table name; empty = no database check' },
  HEALTH_KEY_FIELD: { default: 'key', doc: 'field (column) of HEALTH_MODEL holding the object key' },
  HEALTH_TIME_FIELD: { default: 'processed_at', doc: 'field (column) of HEALTH_MODEL holding when it was processed' },
  HEALTH_WINDOW_HOURS: { default: '24', doc: 'test-sync looks at objects and rows changed this recently; --since overrides' },
  HEALTH_MAX_AGE_HOURS: { default: '26', doc: 'test-sync fails if the last successful sync is older; --max-age overrides' },
  CRON_SCHEDULE: { default: '0 3 * * *', doc: 'schedule install-cron uses; --schedule overrides' },
  CRON_TZ: { default: '', doc: 'time zone for the schedule (written as CRON_TZ=); empty = the system zone' },
} as const satisfies Record<string, { default: string; doc: string }>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
