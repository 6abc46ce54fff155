// lib/storage.ts against a real s3rver whose front middleware injects faults the way a sick
// server or network does: 500s, 503 SlowDown, and connections reset mid-request.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { S3RVER_KEY, startS3Server, type KoaMiddleware } from '../../lib/dev/s3-server.ts';
import { UploadError } from '../../lib/errors.ts';
import { createStorage, type Storage } from '../../lib/storage/client.ts';
import { tempDir, writeFile } from '../support/env.ts';

async function withFaultyServer(fault: KoaMiddleware, body: (storage: Storage, retries: number[]) => Promise<void>) {
  const server = await startS3Server({ directory: tempDir('s3fault'), middleware: [fault] });
  try {
    const dir = tempDir('st');
    const config = loadConfig({
      env: { MINIO_ENDPOINT: server.endpoint, MINIO_ACCESS_KEY: S3RVER_KEY, MINIO_SECRET_KEY: S3RVER_KEY, MINIO_BUCKET: 'faults', SYNC_DOWNLOAD_DIRS: dir, SYNC_RETRIES: '3', SYNC_RETRY_BASE_MS: '5' },
      envFile: path.join(dir, 'none'),
      root: dir,
    });
    const retries: number[] = [];
    const storage = createStorage(config, (_e, attempt) => retries.push(attempt));
    await storage.createBucket();
    await body(storage, retries);
  } finally {
    await server.close();
  }
}

const putCount = () => {
  let n = 0;
  return (ctx: { method: string; path: string }) => ctx.method === 'PUT' && ctx.path.split('/').filter(Boolean).length > 1 && ++n;
};

test('5xx answers are retried with backoff and the upload then lands intact', async () => {
  const isPut = putCount();
  await withFaultyServer(
    async (ctx, next) => {
      const n = isPut(ctx);
      if (n && n <= 2) {
        ctx.status = n === 1 ? 500 : 503;
        ctx.body = '';
        return;
      }
      await next();
    },
    async (storage, retries) => {
      const file = writeFile(tempDir('up'), 'a.bin', crypto.randomBytes(1000));
      const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const r = await storage.putFile('a.bin', file, 1000, { sha256: sha }, 'application/octet-stream');
      assert.is(r.sha256, sha);
      assert.equal(retries, [1, 2]);
      assert.is((await storage.stat('a.bin'))?.sha256, sha);
    },
  );
});

test('a connection reset mid-request is retried (the minio client alone would give up)', async () => {
  const isPut = putCount();
  await withFaultyServer(
    async (ctx, next) => {
      if (isPut(ctx) === 1) {
        ctx.req.socket.destroy();
        return;
      }
      await next();
    },
    async (storage, retries) => {
      const file = writeFile(tempDir('up'), 'b.bin', 'bytes');
      await storage.putFile('b.bin', file, 5, { sha256: 'x' }, 'text/plain');
      assert.equal(retries, [1]);
      assert.is((await storage.stat('b.bin'))?.size, 5);
    },
  );
});

test('retries give up loudly: an UploadError that keeps the cause', async () => {
  await withFaultyServer(
    async (ctx, next) => {
      if (ctx.method === 'PUT' && ctx.path.split('/').filter(Boolean).length > 1) {
        ctx.status = 500;
        ctx.body = '';
        return;
      }
      await next();
    },
    async (storage, retries) => {
      const file = writeFile(tempDir('up'), 'c.bin', 'bytes');
      try {
        await storage.putFile('c.bin', file, 5, {}, 'text/plain');
        assert.unreachable();
      } catch (e) {
        assert.instance(e, UploadError);
        assert.match((e as Error).message, /upload of c\.bin failed/);
        assert.ok((e as Error).cause);
      }
      assert.equal(retries, [1, 2, 3]);
      assert.is(await storage.stat('c.bin'), null);
    },
  );
});

test.run();
