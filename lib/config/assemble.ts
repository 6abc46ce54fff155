// The validated values of every key (./table.ts) grouped into the configuration the toolkit reads
// (./types.ts), one group at a time.
import type { ConfigValues } from './table.ts';
import type { Config, DockerConfig, HealthConfig, MonitorConfig, StorageConfig, WatchConfig } from './types.ts';

export function assemble(v: ConfigValues): Config {
  return {
    storage: storageOf(v),
    sources: v.SYNC_DOWNLOAD_DIRS,
    cacheFile: v.SYNC_CACHE_FILE,
    bucketProof: v.SYNC_BUCKET_PROOF,
    lostMount: v.SYNC_LOST_MOUNT,
    emptySource: v.SYNC_EMPTY_SOURCE,
    legacyCacheFile: v.SYNC_LEGACY_CACHE,
    lockFile: v.SYNC_LOCK_FILE,
    logDir: v.SYNC_LOG_DIR,
    logRetentionDays: v.SYNC_LOG_RETENTION_DAYS,
    concurrency: v.SYNC_CONCURRENCY,
    checkers: Math.max(v.SYNC_CHECKERS, v.SYNC_CONCURRENCY),
    lockWaitMs: v.SYNC_LOCK_WAIT_SECONDS,
    watch: watchOf(v),
    memoryBytes: v.SYNC_MEMORY_MB,
    stableAfterMs: v.SYNC_STABLE_SECONDS,
    partialSuffixes: v.SYNC_PARTIAL_SUFFIXES,
    exclude: v.SYNC_EXCLUDE,
    retries: v.SYNC_RETRIES,
    retryBaseMs: v.SYNC_RETRY_BASE_MS,
    docker: dockerOf(v),
    health: healthOf(v),
    monitor: monitorOf(v),
    cronSchedule: v.CRON_SCHEDULE,
    cronTz: v.CRON_TZ,
  };
}

function storageOf(v: ConfigValues): StorageConfig {
  return {
    ...v.MINIO_ENDPOINT,
    accessKey: v.MINIO_ACCESS_KEY,
    secretKey: v.MINIO_SECRET_KEY,
    region: v.MINIO_REGION,
    bucket: v.MINIO_BUCKET,
    prefix: v.MINIO_PREFIX,
    partSizeBytes: v.SYNC_PART_SIZE_MB,
    requestTimeoutMs: v.SYNC_REQUEST_TIMEOUT_SECONDS,
  };
}

function watchOf(v: ConfigValues): WatchConfig {
  return {
    rescanMs: v.SYNC_WATCH_RESCAN_MINUTES,
    proofMs: v.SYNC_WATCH_PROOF_HOURS,
    stopTimeoutMs: v.SYNC_STOP_TIMEOUT_SECONDS,
    processDebounceMs: v.PROCESS_DEBOUNCE_SECONDS,
    processMinIntervalMs: v.PROCESS_MIN_INTERVAL_SECONDS,
  };
}

function dockerOf(v: ConfigValues): DockerConfig {
  const cli = { DOCKER_HOST: v.DOCKER_HOST, DOCKER_CONTEXT: v.DOCKER_CONTEXT };
  return {
    ensureContainers: v.SYNC_CONTAINERS,
    djangoContainer: v.DJANGO_CONTAINER,
    processCommand: v.PROCESS_COMMAND,
    processTimeoutMs: v.PROCESS_TIMEOUT_SECONDS,
    startTimeoutMs: v.CONTAINER_START_TIMEOUT_SECONDS,
    cliEnv: Object.fromEntries(Object.entries(cli).filter(([, x]) => x)),
  };
}

function healthOf(v: ConfigValues): HealthConfig {
  return {
    model: v.HEALTH_MODEL,
    keyField: v.HEALTH_KEY_FIELD,
    timeField: v.HEALTH_TIME_FIELD,
    windowMs: v.HEALTH_WINDOW_HOURS,
    maxAgeMs: v.HEALTH_MAX_AGE_HOURS,
  };
}

export function monitorOf(
  v: Pick<
    ConfigValues,
    | 'NOTIFY_TELEGRAM_BOT_TOKEN'
    | 'NOTIFY_TELEGRAM_CHAT_ID'
    | 'NOTIFY_TELEGRAM_API_URL'
    | 'NOTIFY_WEBHOOK_URL'
    | 'NOTIFY_ON'
    | 'NOTIFY_REPEAT_MINUTES'
    | 'SYNC_METRICS_FILE'
    | 'SYNC_METRICS_LISTEN'
    | 'SYNC_METRICS_TOKEN'
  >,
): MonitorConfig {
  const token = v.NOTIFY_TELEGRAM_BOT_TOKEN;
  return {
    telegram: token ? { token, chatId: v.NOTIFY_TELEGRAM_CHAT_ID, apiUrl: v.NOTIFY_TELEGRAM_API_URL } : undefined,
    webhookUrl: v.NOTIFY_WEBHOOK_URL,
    on: v.NOTIFY_ON,
    repeatMs: v.NOTIFY_REPEAT_MINUTES * 60,
    metricsFile: v.SYNC_METRICS_FILE,
    listen: v.SYNC_METRICS_LISTEN,
    metricsToken: v.SYNC_METRICS_TOKEN,
  };
}
