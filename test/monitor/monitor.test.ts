// lib/monitor/monitor.ts: a real config, a local Bot API server, a real state file and metrics file.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { LockHeldError } from '../../lib/errors.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { createMonitor } from '../../lib/monitor/monitor.ts';
import { notifyStateFile } from '../../lib/monitor/notifier.ts';
import { outcomeOfError, outcomeOfRun } from '../../lib/monitor/outcome.ts';
import { appendRunRecord } from '../../lib/report/records.ts';
import { failedRunSummary } from '../../lib/report/summary.ts';
import { startNotifyServer } from '../support/notify-server.ts';
import { samples } from '../support/prom.ts';
import { tempDir } from '../support/env.ts';

const TOKEN = '987654321:AAF-monitor-test-token';
function configFor(apiUrl: string, extra: Record<string, string> = {}) {
  const dir = tempDir('mon');
  fs.mkdirSync(path.join(dir, 'dl'));
  return loadConfig({
    envFile: path.join(dir, 'none.env'),
    env: {
      MINIO_ENDPOINT: 'http://127.0.0.1:9',
      MINIO_ACCESS_KEY: 'AKIAMONITOR',
      MINIO_SECRET_KEY: 'monitor-secret',
      MINIO_BUCKET: 'telegram',
      SYNC_DOWNLOAD_DIRS: path.join(dir, 'dl'),
      SYNC_LOCK_FILE: path.join(dir, 'state/sync.lock'),
      SYNC_LOG_DIR: path.join(dir, 'logs'),
      SYNC_METRICS_FILE: path.join(dir, 'prom/telegram_sync.prom'),
      NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN,
      NOTIFY_TELEGRAM_CHAT_ID: '-100200300',
      NOTIFY_TELEGRAM_API_URL: apiUrl,
      ...extra,
    },
  });
}
const ok = (at: string) => {
  const s = {
    ...failedRunSummary({
      runId: at,
      startedAt: new Date(Date.parse(at) - 1000),
      finishedAt: new Date(at),
      force: false,
      error: '',
    }),
    status: 'ok' as const,
    error: undefined,
    uploaded: 2,
  };
  return s;
};

test('NOTIFY_ON=change: one message for the failure, one for the recovery, none for the runs around them; metrics after every run', async () => {
  const s = await startNotifyServer(TOKEN);
  try {
    const config = configFor(s.apiUrl, { NOTIFY_ON: 'change' });
    const log = createMemoryLogger();
    const monitor = createMonitor(config, { log });
    const first = ok('2026-11-24T03:00:05.000Z');
    appendRunRecord(config.logDir, first);
    await monitor.afterRun(outcomeOfRun('sync', first, 0));
    await monitor.afterRun(outcomeOfError('sync', new LockHeldError('another run holds the lock (pid 7)')));
    const prom = samples(fs.readFileSync(config.monitor.metricsFile, 'utf8'));
    assert.is(prom.get('telegram_sync_last_run_exit_code'), 4);
    assert.is(
      prom.get('telegram_sync_last_success_timestamp_seconds'),
      Date.parse(first.finishedAt) / 1000,
      'the last success, from the run records',
    );
    await monitor.afterRun(outcomeOfRun('sync', ok('2026-11-25T03:00:05.000Z'), 0));
    await monitor.afterRun(outcomeOfRun('sync', ok('2026-11-26T03:00:05.000Z'), 0));
    const texts = s.telegram().map((r) => String(r.body.text));
    assert.is(texts.length, 2);
    assert.match(
      texts[0]!,
      /^❌ .*sync FAILED \(exit 4: another run held the lock\)\nanother run holds the lock \(pid 7\)/,
    );
    assert.match(texts[1]!, /^✅ .*sync ok \(recovered after 1 failure\(s\)\)\nuploaded 2 /);
    assert.equal(JSON.parse(fs.readFileSync(notifyStateFile(config), 'utf8')).failing, false);
    for (const where of [
      JSON.stringify(log.records),
      fs.readFileSync(notifyStateFile(config), 'utf8'),
      fs.readFileSync(config.monitor.metricsFile, 'utf8'),
    ])
      assert.not.ok(where.includes(TOKEN));
  } finally {
    await s.close();
  }
});

test('watch mode: a server down for 20 batches is one message (and a reminder only after NOTIFY_REPEAT_MINUTES)', async () => {
  const s = await startNotifyServer(TOKEN);
  try {
    const config = configFor(s.apiUrl, { NOTIFY_REPEAT_MINUTES: '60' });
    const log = createMemoryLogger();
    let now = Date.parse('2026-11-25T10:00:00Z');
    const monitor = createMonitor(config, { log, watch: true, now: () => now });
    for (let i = 0; i < 20; i++, now += 60_000)
      void monitor.afterRun(outcomeOfError('watch', new Error('S3 server unreachable')));
    await monitor.settled();
    assert.is(s.telegram().length, 1);
    assert.is(log.records.filter((r) => r.kind === 'notify.held').length, 19);
    now += 3600_000;
    await monitor.afterRun(outcomeOfError('watch', new Error('S3 server unreachable')));
    assert.is(s.telegram().length, 2);
    assert.match(String(s.telegram()[1]!.body.text), /watch batch FAILED[\s\S]*failing 21 times in a row/);
    assert.match(await monitor.metricsText(), /telegram_sync_watch_runs_total\{result="failed"\} 21/);
  } finally {
    await s.close();
  }
});

test('a metrics file that cannot be written, and no notification target: logged, never thrown', async () => {
  const blocker = path.join(tempDir('mon'), 'a-file');
  fs.writeFileSync(blocker, '');
  const config = configFor('http://127.0.0.1:9', {
    SYNC_METRICS_FILE: path.join(blocker, 'x.prom'),
    NOTIFY_TELEGRAM_BOT_TOKEN: '',
    NOTIFY_TELEGRAM_CHAT_ID: '',
  });
  const log = createMemoryLogger();
  await createMonitor(config, { log }).afterRun(outcomeOfRun('sync', ok('2026-11-25T03:00:00.000Z'), 0));
  assert.match(
    String(log.records.find((r) => r.kind === 'metrics.failed')?.msg),
    /could not write the metrics file .*x\.prom: .*(ENOTDIR|EEXIST)/,
  );
  assert.not.ok(fs.existsSync(notifyStateFile(config)), 'no target: no state kept');
});

test.run();
