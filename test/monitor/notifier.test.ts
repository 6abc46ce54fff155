// lib/monitor/notifier.ts with a real config, a real state file and a local Bot API server on
// 127.0.0.1 standing in for api.telegram.org.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { StorageUnreachableError } from '../../lib/errors.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { createNotifier, notifyStateFile } from '../../lib/monitor/notifier.ts';
import { outcomeOfError } from '../../lib/monitor/outcome.ts';
import { tempDir } from '../support/env.ts';
import { startNotifyServer } from '../support/notify-server.ts';

const TOKEN = '111222333:AAF-notifier-test-token';

function configFor(extra: Record<string, string>) {
  const dir = tempDir('ntf');
  fs.mkdirSync(path.join(dir, 'dl'));
  return loadConfig({
    envFile: path.join(dir, 'none.env'),
    env: {
      MINIO_ENDPOINT: 'http://127.0.0.1:9',
      MINIO_ACCESS_KEY: 'AKIANOTIFIER',
      MINIO_SECRET_KEY: 'notifier-secret',
      MINIO_BUCKET: 'telegram',
      SYNC_DOWNLOAD_DIRS: path.join(dir, 'dl'),
      SYNC_LOCK_FILE: path.join(dir, 'state/sync.lock'),
      SYNC_LOG_DIR: path.join(dir, 'logs'),
      ...extra,
    },
  });
}

test('a failure is sent once, its secrets masked, and what was sent is kept in the state file', async () => {
  const server = await startNotifyServer(TOKEN);
  try {
    const chat = { NOTIFY_TELEGRAM_CHAT_ID: '-100200300', NOTIFY_TELEGRAM_API_URL: server.apiUrl };
    const config = configFor({ NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN, ...chat });
    const log = createMemoryLogger();
    const notify = createNotifier(config, { log });
    const down = new StorageUnreachableError(
      `S3 server unreachable (key notifier-secret in ${server.apiUrl}/bot${TOKEN})`,
    );
    await notify(outcomeOfError('sync', down));
    assert.is(server.telegram().length, 1);
    const text = String(server.telegram()[0]!.body.text);
    assert.match(text, /sync FAILED \(exit 5/);
    assert.not.ok(text.includes(TOKEN) || text.includes('notifier-secret'), text);
    const state = JSON.parse(fs.readFileSync(notifyStateFile(config), 'utf8')) as { failures: number };
    assert.is(state.failures, 1);
  } finally {
    await server.close();
  }
});

// And: not held for an hour.
test('a message no target took is not "sent": the next failure is tried at once', async () => {
  const config = configFor({ NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook' });
  const log = createMemoryLogger();
  const notify = createNotifier(config, { log, watch: true, backoffMs: 1 });
  await notify(outcomeOfError('watch', new Error('first')));
  await notify(outcomeOfError('watch', new Error('second')));
  const kinds = log.records.map((r) => r.kind);
  assert.equal(kinds, ['notify.failed', 'notify.failed'], 'tried twice, never held');
  const state = JSON.parse(fs.readFileSync(notifyStateFile(config), 'utf8')) as {
    undelivered?: boolean;
    lastSentAt?: string;
  };
  assert.equal([state.undelivered, state.lastSentAt], [true, undefined]);
});

test('without a target nothing is decided or written', async () => {
  const config = configFor({});
  await createNotifier(config, { log: createMemoryLogger() })(outcomeOfError('sync', new Error('x')));
  assert.not.ok(fs.existsSync(notifyStateFile(config)));
});

test.run();
