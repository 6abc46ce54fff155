// A run whose configuration does not load is still recorded and notified: a download folder that
// is gone at 3 AM (issue 21, case 4), through a local Bot API server standing in for Telegram.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { EXIT_CODES } from '../../lib/errors.ts';
import { readRunRecords } from '../../lib/report/records.ts';
import { readLogs, runScript, tempDir } from '../support/env.ts';
import { startNotifyServer } from '../support/notify-server.ts';

const TOKEN = '424242:AAF-start-failure-token';

// And: a run record, a dated log line, a notification, metrics.
test('a download folder that is gone: exit 2 naming it, on record and notified', async () => {
  const notify = await startNotifyServer(TOKEN);
  const dir = tempDir('startfail');
  try {
    const env = {
      MINIO_ENDPOINT: 'http://127.0.0.1:9',
      MINIO_ACCESS_KEY: 'AKIASTART',
      MINIO_SECRET_KEY: 'start-secret',
      MINIO_BUCKET: 'telegram',
      SYNC_DOWNLOAD_DIRS: path.join(dir, 'unmounted-volume'),
      SYNC_LOG_DIR: path.join(dir, 'logs'),
      SYNC_LOCK_FILE: path.join(dir, 'state', 'sync.lock'),
      SYNC_METRICS_FILE: path.join(dir, 'metrics', 'telegram_sync.prom'),
      NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN,
      NOTIFY_TELEGRAM_CHAT_ID: '-100777',
      NOTIFY_TELEGRAM_API_URL: notify.apiUrl,
    };
    const r = await runScript('sync.ts', [], env);
    assert.is(r.exitCode, EXIT_CODES.config, r.all);
    assert.match(r.stderr, /SYNC_DOWNLOAD_DIRS: expected an existing directory, got ".*unmounted-volume"/);
    const [record] = readRunRecords(env.SYNC_LOG_DIR);
    assert.equal([record?.status, /SYNC_DOWNLOAD_DIRS/.test(record?.error ?? '')], ['error', true]);
    assert.match(readLogs(env.SYNC_LOG_DIR), /run\.error: Invalid configuration .*\n?.*SYNC_DOWNLOAD_DIRS/);
    assert.is(notify.telegram().length, 1);
    assert.match(String(notify.telegram()[0]!.body.text), /sync FAILED \(exit 2: bad configuration or credentials\)/);
    assert.match(fs.readFileSync(env.SYNC_METRICS_FILE, 'utf8'), /telegram_sync_last_run_exit_code 2/);
    const everything = [r.all, readLogs(env.SYNC_LOG_DIR), JSON.stringify(notify.received.map((x) => x.body))].join(
      '\n',
    );
    assert.not.ok(everything.includes(TOKEN) || everything.includes('start-secret'), 'no secret anywhere');
  } finally {
    await notify.close();
  }
});

test.run();
