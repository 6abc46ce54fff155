// storageFor: the bucket of a configuration, every retry logged (a real request to a closed port).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { StorageUnreachableError } from '../../lib/errors.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { storageFor } from '../../lib/commands/wiring.ts';
import { tempDir } from '../support/env.ts';

test('each retry of a request is a log line saying what failed and when it is tried again', async () => {
  const dir = tempDir('wiring');
  const env = {
    MINIO_ENDPOINT: 'http://127.0.0.1:9',
    MINIO_ACCESS_KEY: 'a',
    MINIO_SECRET_KEY: 'b-secret',
    MINIO_BUCKET: 'bkt',
    SYNC_DOWNLOAD_DIRS: dir,
    SYNC_RETRIES: '2',
    SYNC_RETRY_BASE_MS: '1',
  };
  const log = createMemoryLogger();
  const storage = storageFor(loadConfig({ env, envFile: `${dir}/none` }), log);
  await storage.bucketExists().then(
    () => assert.unreachable(),
    (e: unknown) => assert.instance(e, StorageUnreachableError),
  );
  const retries = log.records.filter((r) => r.kind === 'retry');
  assert.equal(
    retries.map((r) => r.msg).map((m) => /retry (\d)\/2/.exec(String(m))?.[1]),
    ['1', '2'],
  );
  assert.match(String(retries[0]!.msg), /ECONNREFUSED/);
});

test.run();
