// A run that cannot start because its configuration does not load (a download folder gone, a key
// broken) is still a run: it is recorded (dated log, run record), written to the metrics file and
// notified, as far as the keys that say where (SYNC_LOG_DIR, SYNC_LOCK_FILE, NOTIFY_*,
// SYNC_METRICS_*) load themselves. Without them only the terminal can be told.
import { loadKeys, secretsOf, type LoadConfigOptions } from '../config/load.ts';
import { monitorOf } from '../config/assemble.ts';
import type { ConfigKey } from '../config/table.ts';
import type { MonitorSettings } from '../config/types.ts';
import type { ConfigError } from '../errors.ts';
import { createLogger } from '../log/logger.ts';
import { createMonitor } from '../monitor/monitor.ts';
import { outcomeOfError } from '../monitor/outcome.ts';
import { newRunId, recordFailedRun } from '../report/records.ts';

const WHERE = [
  'SYNC_LOG_DIR',
  'SYNC_LOCK_FILE',
  'NOTIFY_TELEGRAM_BOT_TOKEN',
  'NOTIFY_TELEGRAM_CHAT_ID',
  'NOTIFY_TELEGRAM_API_URL',
  'NOTIFY_WEBHOOK_URL',
  'NOTIFY_ON',
  'NOTIFY_REPEAT_MINUTES',
  'SYNC_METRICS_FILE',
  'SYNC_METRICS_LISTEN',
  'SYNC_METRICS_TOKEN',
] as const satisfies readonly ConfigKey[];

// What monitoring can be had from a configuration that does not load whole (undefined: nothing).
export function monitorSettingsOf(options: LoadConfigOptions): MonitorSettings | undefined {
  try {
    const v = loadKeys(WHERE, options);
    const env = options.env ?? process.env;
    const storage = { accessKey: env.MINIO_ACCESS_KEY ?? '', secretKey: env.MINIO_SECRET_KEY ?? '' };
    return { logDir: v.SYNC_LOG_DIR, lockFile: v.SYNC_LOCK_FILE, monitor: monitorOf(v), storage };
  } catch {
    return undefined;
  }
}

export async function recordStartFailure(error: ConfigError, options: LoadConfigOptions): Promise<void> {
  const settings = monitorSettingsOf(options);
  if (!settings) return;
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const log = createLogger({ dir: settings.logDir, console: null, secrets: secretsOf(settings), runId });
  try {
    log.write({ kind: 'run.error', error: error.message });
    recordFailedRun(settings.logDir, { runId, startedAt, finishedAt: new Date(), force: false, error: error.message });
    await createMonitor(settings, { log }).afterRun(outcomeOfError('sync', error));
  } finally {
    log.close();
  }
}
