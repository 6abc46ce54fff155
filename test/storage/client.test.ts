// lib/storage/client.ts on both servers, behind a TCP proxy that injects what a sick server or
// network does: 500s, 503 SlowDown, connections reset after the request, and a server that
// stops answering (the request times out and is retried).
import crypto from 'node:crypto';
import fs from 'node:fs';
import * as assert from 'uvu/assert';
import { ConfigError, StorageAuthError, UploadError } from '../../lib/errors.ts';
import { createStorage, type Storage } from '../../lib/storage/client.ts';
import { tempDir, writeFile, type Sandbox } from '../support/env.ts';
import { startFaultProxy, type Fault } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

const isObjectPut = (line: string) => /^PUT \/[^/ ]+\/[^ ?]+[ ?]/.test(line);

eachServer('storage client', ({ it, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  // The storage as configured, talking to the server through the fault proxy.
  async function throughProxy(decide: (line: string, n: number) => Fault, extra: Record<string, string> = {}) {
    let n = 0;
    const proxy = await startFaultProxy(server(), (line) => decide(line, isObjectPut(line) ? ++n : 0));
    const retries: number[] = [];
    const config = sb.config({ MINIO_ENDPOINT: proxy.endpoint, SYNC_RETRIES: '3', SYNC_RETRY_BASE_MS: '5', ...extra });
    const storage: Storage = createStorage(config, (_e, attempt) => retries.push(attempt));
    await storage.createBucket();
    return { proxy, storage, retries };
  }

  it('5xx answers are retried with backoff and the upload then lands intact', async () => {
    const { proxy, storage, retries } = await throughProxy((_l, n) => (n === 1 ? { status: 500, code: 'InternalError' } : n === 2 ? { status: 503, code: 'SlowDown' } : 'pass'));
    try {
      const file = writeFile(tempDir('up'), 'a.bin', crypto.randomBytes(1000));
      const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const r = await storage.putFile('a.bin', file, 1000, { sha256: sha }, 'application/octet-stream');
      assert.is(r.sha256, sha);
      assert.equal(retries, [1, 2]);
      assert.is((await storage.stat('a.bin'))?.sha256, sha);
    } finally {
      await proxy.close();
    }
  });

  it('a connection reset after the request is retried (the minio client alone would give up)', async () => {
    const { proxy, storage, retries } = await throughProxy((_l, n) => (n === 1 ? 'reset' : 'pass'));
    try {
      const file = writeFile(tempDir('up'), 'b.bin', 'bytes');
      await storage.putFile('b.bin', file, 5, { sha256: 'x' }, 'text/plain');
      assert.equal(retries, [1]);
      assert.is((await storage.stat('b.bin'))?.size, 5);
    } finally {
      await proxy.close();
    }
  });

  it('a server that stops answering: the request times out and is retried, then lands', async () => {
    const { proxy, storage, retries } = await throughProxy((_l, n) => (n === 1 ? 'stall' : 'pass'), { SYNC_REQUEST_TIMEOUT_SECONDS: '1' });
    try {
      const file = writeFile(tempDir('up'), 'slow.bin', 'bytes after a stall');
      await storage.putFile('slow.bin', file, 19, { sha256: 'x' }, 'text/plain');
      assert.equal(retries, [1]);
      assert.is((await storage.stat('slow.bin'))?.size, 19);
    } finally {
      await proxy.close();
    }
  });

  it('retries give up loudly: an UploadError that keeps the cause, and nothing in the bucket', async () => {
    const { proxy, storage, retries } = await throughProxy((line) => (isObjectPut(line) ? { status: 500, code: 'InternalError' } : 'pass'));
    try {
      const file = writeFile(tempDir('up'), 'c.bin', 'bytes');
      await storage.putFile('c.bin', file, 5, {}, 'text/plain').then(
        () => assert.unreachable(),
        (e: unknown) => {
          assert.instance(e, UploadError);
          assert.match((e as Error).message, /upload of c\.bin failed/);
          assert.ok((e as Error).cause);
        },
      );
      assert.equal(retries, [1, 2, 3]);
      assert.is(await storage.stat('c.bin'), null);
    } finally {
      await proxy.close();
    }
  });

  it('a region the server does not serve: a config error naming MINIO_REGION (s3rver accepts any region, RGW only its own)', async () => {
    const storage = createStorage(sb.config({ MINIO_REGION: 'eu-west-1' }));
    const created = await storage.createBucket().then(() => undefined, (e: unknown) => e);
    if (server().name === 's3rver') return assert.is(created, undefined);
    assert.instance(created, ConfigError);
    assert.match((created as ConfigError).problems[0]!, /^MINIO_REGION: the S3 server .* refused to create bucket .* in region "eu-west-1" \(InvalidLocationConstraint\)/);
    assert.ok(await createStorage(sb.config()).createBucket().then(() => true), 'us-east-1 (no LocationConstraint sent) works');
  });

  it('credentials the server refuses are a StorageAuthError (exit 2) naming the keys, not retried', async () => {
    const storage = createStorage(sb.config({ MINIO_ACCESS_KEY: 'NOT-A-REAL-KEY', MINIO_SECRET_KEY: 'not-the-secret' }));
    await storage.bucketExists().then(() => assert.unreachable(), (e: unknown) => {
      assert.instance(e, StorageAuthError);
      assert.match((e as Error).message, /^MINIO_ACCESS_KEY \/ MINIO_SECRET_KEY: the S3 server http:\/\/127\.0\.0\.1:\d+ refused them/);
    });
  });
});
