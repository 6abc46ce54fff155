// lib/commands/s3-server.ts as a process: it prints the endpoint and keys, serves S3 on 127.0.0.1
// (a bucket made through the real minio client), and SIGTERM stops it with exit 0.
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../lib/dev/rgw.ts';
import { createStorage } from '../../lib/storage/client.ts';
import { loadConfig } from '../../lib/config/load.ts';
import { PROJECT_ROOT, tempDir, TSX_LOADER, untilPrinted } from '../support/env.ts';

test('prints MINIO_ENDPOINT and keys, answers S3 requests, stops on SIGTERM', async () => {
  const port = await freePort();
  const dir = tempDir('s3cmd');
  const args = [
    '--openssl-legacy-provider',
    '--import',
    TSX_LOADER,
    'scripts/s3-server.ts',
    '--port',
    String(port),
    '--dir',
    dir,
  ];
  const child = execa(process.execPath, args, { cwd: PROJECT_ROOT, reject: false, all: true });
  let printed = '';
  child.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
  try {
    await untilPrinted(child, /MINIO_SECRET_KEY=/, 1);
    const value = (key: string) => new RegExp(`${key}=(.*)`).exec(printed)?.[1] ?? '';
    assert.is(value('MINIO_ENDPOINT'), `http://127.0.0.1:${port}`);
    const env = {
      MINIO_ENDPOINT: value('MINIO_ENDPOINT'),
      MINIO_ACCESS_KEY: value('MINIO_ACCESS_KEY'),
      MINIO_SECRET_KEY: value('MINIO_SECRET_KEY'),
      MINIO_BUCKET: 'probe',
      SYNC_DOWNLOAD_DIRS: dir,
    };
    const storage = createStorage(loadConfig({ env }));
    assert.is(await storage.bucketExists(), false);
    await storage.createBucket();
    assert.is(await storage.bucketExists(), true);
  } finally {
    child.kill('SIGTERM');
  }
  const r = await child;
  assert.is(r.exitCode, 0, r.all);
});

test.run();
