// The values grouped into the configuration: derived values (checkers at least the uploads, the
// Docker CLI's environment only with what is set, Telegram only with a token).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { tempDir } from '../support/env.ts';

const base = () => ({
  MINIO_ENDPOINT: 'http://127.0.0.1:9000',
  MINIO_ACCESS_KEY: 'k',
  MINIO_SECRET_KEY: 's3cr3t',
  MINIO_BUCKET: 'telegram',
  SYNC_DOWNLOAD_DIRS: tempDir('asm'),
});

test('checkers are at least the uploads; the Docker CLI gets only the DOCKER_* keys that are set', () => {
  const c = loadConfig({
    env: { ...base(), SYNC_CONCURRENCY: '16', SYNC_CHECKERS: '8', DOCKER_HOST: 'unix:///x.sock' },
  });
  assert.equal([c.concurrency, c.checkers], [16, 16]);
  assert.equal(c.docker.cliEnv, { DOCKER_HOST: 'unix:///x.sock' });
  assert.equal(c.storage.endPoint, '127.0.0.1');
  assert.equal([c.storage.port, c.storage.useSSL], [9000, false]);
});

test('Telegram notifications only with a token; the webhook and the repeat interval as given', () => {
  const quiet = loadConfig({ env: base() });
  assert.is(quiet.monitor.telegram, undefined);
  const chat = { NOTIFY_TELEGRAM_BOT_TOKEN: '123:abc', NOTIFY_TELEGRAM_CHAT_ID: '-100123', NOTIFY_REPEAT_MINUTES: '5' };
  const loud = loadConfig({ env: { ...base(), ...chat } });
  assert.equal(loud.monitor.telegram, { token: '123:abc', chatId: '-100123', apiUrl: 'https://api.telegram.org' });
  assert.is(loud.monitor.repeatMs, 5 * 60_000);
});

test.run();
