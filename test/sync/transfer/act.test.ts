// lib/sync/transfer/act.ts on both servers: claiming an object the old system uploaded (our sha256 added
// by a copy onto itself), copying to a new key, pruning the old key only when nothing points at
// it, and an object that changes between its proof and the copy. Asserts on bucket and cache.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { describeError } from '../../../lib/errors.ts';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { createStorage } from '../../../lib/storage/client.ts';
import type { Storage } from '../../../lib/storage/types.ts';
import { claimObject, copyFromSource } from '../../../lib/sync/transfer/act.ts';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import { contentReader } from '../../../lib/sync/transfer/hash.ts';
import type { TransferItem } from '../../../lib/sync/plan/types.ts';
import { createRecorder } from '../../../lib/sync/cache/record.ts';
import type { TransferDeps } from '../../../lib/sync/transfer/types.ts';
import { writeFile, type Sandbox } from '../../support/env.ts';
import { objectBytesSent, startFaultProxy } from '../../support/proxy.ts';
import { eachServer } from '../../support/servers.ts';

const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');

eachServer('act: claim and copy', ({ it, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  function itemFor(rel: string, key: string): TransferItem {
    const absPath = path.join(sb.downloads, rel);
    const st = fs.statSync(absPath);
    return {
      action: 'transfer',
      key,
      file: {
        source: { name: 'd', path: sb.downloads, keySegment: '' },
        absPath,
        fsPath: absPath,
        relPath: rel,
        size: st.size,
        mtimeMs: st.mtimeMs,
        ctimeMs: st.ctimeMs,
        ino: st.ino,
        dev: st.dev,
      },
    };
  }

  async function setUp(
    o: { dryRun?: boolean; prune?: boolean; endpoint?: string; storage?: (s: Storage) => Storage } = {},
  ) {
    const config = sb.config(o.endpoint ? { MINIO_ENDPOINT: o.endpoint } : {});
    const real = createStorage(config);
    await real.createBucket();
    const storage = o.storage ? o.storage(real) : real;
    const log = createMemoryLogger();
    const gate = createGate({ dryRun: o.dryRun ?? false, log });
    const cache = HashCache.open(config.cacheFile);
    const deps: TransferDeps = {
      storage,
      cache,
      recorder: createRecorder(cache, { gate }),
      read: contentReader(5 << 20),
      inMemoryMaxBytes: 5 << 20,
      gate,
      log,
      force: false,
      concurrency: 2,
      pruneOldKeys: o.prune ?? false,
    };
    return { storage: real, cache, deps, log };
  }

  // An object as another client leaves it: no sha256 metadata.
  async function putPlain(key: string, body: Buffer | string): Promise<string> {
    const b = Buffer.from(body);
    await sb.client().putObject(sb.env.MINIO_BUCKET!, key, b, b.length);
    return (await sb.client().statObject(sb.env.MINIO_BUCKET!, key)).etag;
  }

  it('claim: our sha256 is added by a copy onto itself, no object bytes sent, then recorded as adopted', async () => {
    const proxy = await startFaultProxy(server(), () => 'pass');
    try {
      const { storage, cache, deps } = await setUp({ endpoint: proxy.endpoint });
      const etag = await putPlain('chan/a_b.jpg', 'old system bytes');
      writeFile(sb.downloads, 'chan/a b.jpg', 'old system bytes');
      const o = await claimObject(itemFor('chan/a b.jpg', 'chan/a_b.jpg'), sha('old system bytes'), etag, deps);
      assert.is(o.status, 'claimed');
      assert.is(objectBytesSent(proxy), 0);
      const st = await storage.stat('chan/a_b.jpg');
      assert.is(st?.sha256, sha('old system bytes'));
      assert.is(st?.metadata['content-type'], 'image/jpeg');
      assert.is(cache.get(path.join(sb.downloads, 'chan/a b.jpg'))?.via, 'adopted');
    } finally {
      await proxy.close();
    }
  });

  it('a dry-run claim or copy changes nothing: no metadata, no object, no cache entry', async () => {
    const { storage, cache, deps } = await setUp({ dryRun: true });
    const etag = await putPlain('a.txt', 'bytes');
    writeFile(sb.downloads, 'a.txt', 'bytes');
    assert.is((await claimObject(itemFor('a.txt', 'a.txt'), sha('bytes'), etag, deps)).status, 'would-claim');
    assert.is(
      (await copyFromSource(itemFor('a.txt', 'new/a.txt'), sha('bytes'), 'a.txt', etag, deps)).status,
      'would-copy',
    );
    assert.is((await storage.stat('a.txt'))?.sha256, undefined);
    assert.is(await storage.stat('new/a.txt'), null);
    assert.is(cache.size, 0);
  });

  it('copy to a new key: verified, recorded as copied, the old key kept; --prune-old-keys removes it unless a dedup points at it', async () => {
    const { storage, cache, deps } = await setUp({ prune: true });
    for (const name of ['a.txt', 'b.txt']) writeFile(sb.downloads, name, `bytes of ${name}`);
    const etagA = await putPlain('old/a.txt', 'bytes of a.txt');
    const etagB = await putPlain('old/b.txt', 'bytes of b.txt');
    // Another file is recorded as a dedup of old/b.txt: that key must stay.
    cache.record({
      path: '/elsewhere/b copy.txt',
      key: 'old/b.txt',
      sha256: sha('bytes of b.txt'),
      size: 14,
      mtimeMs: 1,
      ctimeMs: 1,
      ino: 1,
      recordedAt: '',
      via: 'dedup',
    });
    const a = await copyFromSource(itemFor('a.txt', 'new/a.txt'), sha('bytes of a.txt'), 'old/a.txt', etagA, deps);
    const b = await copyFromSource(itemFor('b.txt', 'new/b.txt'), sha('bytes of b.txt'), 'old/b.txt', etagB, deps);
    assert.equal([a.status, a.status === 'copied' && a.pruned], ['copied', true]);
    assert.equal([b.status, b.status === 'copied' && b.pruned], ['copied', false]);
    assert.is((await storage.stat('new/a.txt'))?.sha256, sha('bytes of a.txt'));
    assert.is(await storage.stat('old/a.txt'), null, 'pruned after the copy was verified');
    assert.ok(await storage.stat('old/b.txt'), 'kept: a dedup points at it');
    assert.is(cache.get(path.join(sb.downloads, 'a.txt'))?.via, 'copied');
    assert.is(cache.get(path.join(sb.downloads, 'a.txt'))?.key, 'new/a.txt');
  });

  it('the object changes between its proof and the copy: not recorded, and no object carries our sha256 for other bytes', async () => {
    const { storage, cache, deps } = await setUp({
      storage: (real) => ({ ...real, copy: async (c) => (await putPlain('a.txt', 'other bytes'), real.copy(c)) }),
    });
    writeFile(sb.downloads, 'a.txt', 'first bytes');
    const etag = await putPlain('a.txt', 'first bytes');
    const err = await claimObject(itemFor('a.txt', 'a.txt'), sha('first bytes'), etag, deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    // RGW refuses the conditional copy; s3rver ignores the condition, and the check after the copy catches it.
    assert.match(
      describeError(err),
      server().name === 'rgw' ? /PreconditionFailed/ : /changed meanwhile; our sha256 was taken off it/,
    );
    assert.is((await storage.stat('a.txt'))?.sha256, undefined);
    assert.is(cache.size, 0);
  });

  // And: s3rver decodes "@" in the copy source wrongly and answers NoSuchKey.
  it('a claim the server refuses falls back to an upload and converges', async () => {
    const { storage, cache, deps, log } = await setUp();
    writeFile(sb.downloads, 'mail@host/a@b c.txt', 'bytes of a file whose key has an @');
    const key = 'mail@host/a@b_c.txt';
    const etag = await putPlain(key, 'bytes of a file whose key has an @');
    const item = itemFor('mail@host/a@b c.txt', key);
    const digest = sha('bytes of a file whose key has an @');
    const outcome = await claimObject(item, digest, etag, deps);
    const refused = log.records.filter((r) => r.kind === 'upload.copy-refused');
    if (server().name === 's3rver') {
      assert.is(outcome.status, 'uploaded', 'the copy was refused: the bytes were sent instead');
      assert.is(refused.length, 1);
      assert.match(
        String(refused[0]!.msg),
        /refused the copy from mail@host\/a@b_c\.txt .*NoSuchKey.*sending the file instead/,
      );
    } else {
      assert.is(outcome.status, 'claimed', 'RGW copies it');
      assert.is(refused.length, 0);
    }
    assert.is((await storage.stat(key))?.sha256, digest, 'either way the object carries our sha256');
    assert.is(cache.get(item.file.absPath)?.sha256, digest, 'and the file is recorded');
  });
});
