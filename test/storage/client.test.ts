// lib/storage/client.ts on both servers, behind a TCP proxy that injects what a sick server or
// network does: 500s, 503 SlowDown, connections reset after the request, a server that stops
// answering (the request times out and is retried), and bytes damaged on the way.
import crypto from 'node:crypto';
import * as assert from 'uvu/assert';
import { UploadError } from '../../lib/errors.ts';
import { createStorage } from '../../lib/storage/client.ts';
import type { Storage } from '../../lib/storage/types.ts';
import { tempDir, writeFile, type Sandbox } from '../support/env.ts';
import { startFaultProxy, type Fault } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

const isObjectPut = (line: string) => /^PUT \/[^/ ]+\/[^ ?]+[ ?]/.test(line) && !line.includes('.telegram-sync-probe-');
const isPartPut = (line: string) => isObjectPut(line) && line.includes('partNumber=');
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

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
    const { proxy, storage, retries } = await throughProxy((_l, n) =>
      n === 1 ? { status: 500, code: 'InternalError' } : n === 2 ? { status: 503, code: 'SlowDown' } : 'pass',
    );
    try {
      const body = crypto.randomBytes(1000);
      const r = await storage.putBuffer('a.bin', body, sha(body), { sha256: sha(body) }, 'application/octet-stream');
      assert.is(r.sha256, sha(body));
      assert.equal(retries, [1, 2]);
      assert.is((await storage.stat('a.bin'))?.sha256, sha(body));
    } finally {
      await proxy.close();
    }
  });

  it('a connection reset after the request is retried (the minio client alone would give up)', async () => {
    const { proxy, storage, retries } = await throughProxy((_l, n) => (n === 1 ? 'reset' : 'pass'));
    try {
      const body = Buffer.from('bytes');
      await storage.putBuffer('b.bin', body, sha(body), { sha256: 'x' }, 'text/plain');
      assert.equal(retries, [1]);
      assert.is((await storage.stat('b.bin'))?.size, 5);
    } finally {
      await proxy.close();
    }
  });

  it('a server that stops answering: the request times out and is retried, then lands', async () => {
    const { proxy, storage, retries } = await throughProxy((_l, n) => (n === 1 ? 'stall' : 'pass'), {
      SYNC_REQUEST_TIMEOUT_SECONDS: '1',
    });
    try {
      const body = Buffer.from('bytes after a stall');
      await storage.putBuffer('slow.bin', body, sha(body), { sha256: 'x' }, 'text/plain');
      assert.equal(retries, [1]);
      assert.is((await storage.stat('slow.bin'))?.size, 19);
    } finally {
      await proxy.close();
    }
  });

  it("bytes damaged on the way are caught (by the server's payload-hash check or by the ETag), sent again, and land intact", async () => {
    const { proxy, storage, retries } = await throughProxy((_l, n) => (n === 1 ? 'corrupt' : 'pass'));
    try {
      const body = crypto.randomBytes(4096);
      await storage.putBuffer('damaged.bin', body, sha(body), { sha256: sha(body) }, 'application/octet-stream');
      assert.equal(retries, [1]);
      const c = sb.client();
      const got: Buffer[] = [];
      for await (const chunk of await c.getObject(sb.env.MINIO_BUCKET!, 'damaged.bin')) got.push(chunk as Buffer);
      assert.ok(Buffer.concat(got).equals(body), 'the stored bytes are the file');
    } finally {
      await proxy.close();
    }
  });

  it('a large file goes up in parts, a failed part alone is sent again, and the SHA-256 of what was sent is returned', async () => {
    let failedOnce = false;
    const { proxy, storage, retries } = await throughProxy((line) => {
      if (!isPartPut(line) || !line.includes('partNumber=2&') || failedOnce) return 'pass';
      failedOnce = true;
      return { status: 503, code: 'SlowDown' };
    });
    try {
      const bytes = crypto.randomBytes(12 * 1024 * 1024 + 77);
      const file = writeFile(tempDir('up'), 'big.bin', bytes);
      const r = await storage.putFileInParts('big.bin', file, bytes.length, { sha256: sha(bytes) }, 'video/mp4');
      assert.equal([r.sha256, r.bytes], [sha(bytes), bytes.length]);
      assert.equal(retries, [1]);
      assert.is(proxy.seen.filter((s) => isPartPut(s.line)).length, 4, 'three parts of 5 MiB, the second sent twice');
      assert.is((await storage.stat('big.bin'))?.size, bytes.length);
    } finally {
      await proxy.close();
    }
  });

  it('how uploads are verified: the server checks the signed payload hash (RGW), or the ETag is checked against the MD5 (s3rver does not check the hash)', async () => {
    const storage = createStorage(sb.config());
    await storage.createBucket();
    assert.is(await storage.verifyMode(), server().name === 'rgw' ? 'payload-hash' : 'etag-md5');
  });

  it('retries give up loudly: an UploadError that keeps the cause, and nothing in the bucket', async () => {
    const { proxy, storage, retries } = await throughProxy((line) =>
      isObjectPut(line) ? { status: 500, code: 'InternalError' } : 'pass',
    );
    try {
      const body = Buffer.from('bytes');
      await storage.putBuffer('c.bin', body, sha(body), {}, 'text/plain').then(
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
});
