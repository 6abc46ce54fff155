// lib/sync/transfer/transfer.ts against a real s3rver and a real cache in a temp dir.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { createStorage } from '../../../lib/storage/client.ts';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import { contentReader } from '../../../lib/sync/transfer/hash.ts';
import type { TransferItem } from '../../../lib/sync/plan/types.ts';
import { createRecorder } from '../../../lib/sync/cache/record.ts';
import { transferFiles } from '../../../lib/sync/transfer/transfer.ts';
import type { TransferDeps } from '../../../lib/sync/transfer/types.ts';
import { listBucket, writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');

eachServer('transfer', ({ it: test, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  function itemFor(rel: string, key = rel.replace(/ /g, '_')): TransferItem {
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

  async function setUp(dryRun = false, over: Partial<TransferDeps> = {}) {
    const config = sb.config();
    const storage = createStorage(config);
    await storage.createBucket();
    const log = createMemoryLogger();
    const gate = createGate({ dryRun, log });
    const cache = HashCache.open(config.cacheFile);
    const partSize = config.storage.partSizeBytes;
    const deps: TransferDeps = {
      storage,
      cache,
      recorder: createRecorder(cache, { gate }),
      read: contentReader(partSize),
      inMemoryMaxBytes: partSize,
      gate,
      log,
      force: false,
      concurrency: 4,
      ...over,
    };
    return { config, storage, cache, log, deps };
  }

  test('a new file is uploaded with its metadata, verified, recorded, and logged', async () => {
    writeFile(sb.downloads, 'chan/a b.jpg', 'jpeg');
    const { deps, cache, log, config } = await setUp();
    const r = await transferFiles([itemFor('chan/a b.jpg')], deps);
    assert.equal(
      r.outcomes.map((o) => o.status),
      ['uploaded'],
    );
    const [obj] = await listBucket(sb.client(), config.storage.bucket);
    assert.is(obj?.key, 'chan/a_b.jpg');
    assert.is(obj?.sha256, sha('jpeg'));
    assert.is(cache.get(path.join(sb.downloads, 'chan/a b.jpg'))?.via, 'upload');
    assert.ok(log.records.some((x) => x.kind === 'upload.done' && x.key === 'chan/a_b.jpg'));
  });

  test('the same bytes twice in one batch: sent once, the other waits for it and records a dedup', async () => {
    writeFile(sb.downloads, 'x.bin', 'same bytes');
    writeFile(sb.downloads, 'y.bin', 'same bytes');
    const { deps, cache, config } = await setUp();
    const r = await transferFiles([itemFor('x.bin'), itemFor('y.bin')], deps);
    assert.equal(r.outcomes.map((o) => o.status).sort(), ['deduplicated', 'uploaded']);
    assert.is((await listBucket(sb.client(), config.storage.bucket)).length, 1);
    assert.is(
      cache.get(path.join(sb.downloads, 'y.bin'))?.key ?? cache.get(path.join(sb.downloads, 'x.bin'))?.key,
      'x.bin',
    );
  });

  test('a large file that changes between hashing and sending fails verification and is not recorded', async () => {
    const f = writeFile(sb.downloads, 'growing.bin', crypto.randomBytes(6 * 1024 * 1024));
    const { deps, cache } = await setUp(false, {
      read: async (file) => {
        const content = await contentReader(5 * 1024 * 1024)(file); // larger than a part: hashed, not held
        const fd = fs.openSync(f, 'r+');
        fs.writeSync(fd, Buffer.from('rewritten'), 0, 9, 1000); // the downloader was still writing
        fs.closeSync(fd);
        return content;
      },
    });
    const r = await transferFiles([itemFor('growing.bin')], deps);
    const o = r.outcomes[0]!;
    assert.is(o.status, 'failed');
    assert.match(o.status === 'failed' ? o.error : '', /changed while it was uploading/);
    assert.is(cache.get(f), undefined);
  });

  test('a small file is read once: the bytes hashed are the bytes sent, whatever happens to the file after', async () => {
    const f = writeFile(sb.downloads, 'photo.jpg', 'the bytes as read');
    let reads = 0;
    const { deps, cache, config } = await setUp(false, {
      read: async (file) => {
        reads++;
        const content = await contentReader(5 * 1024 * 1024)(file);
        fs.writeFileSync(f, 'changed after the read');
        return content;
      },
    });
    const r = await transferFiles([itemFor('photo.jpg')], deps);
    assert.equal(
      r.outcomes.map((o) => o.status),
      ['uploaded'],
    );
    assert.is(reads, 1);
    const [obj] = await listBucket(sb.client(), config.storage.bucket);
    assert.is(obj?.sha256, sha('the bytes as read'));
    assert.is(obj?.size, 'the bytes as read'.length);
    assert.is(
      cache.get(f)?.sha256,
      sha('the bytes as read'),
      'recorded with the stat of the scan: the next run sees the change',
    );
  });

  test('dry run: nothing sent, nothing recorded, the outcome says what would happen', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    const { deps, cache, log, config } = await setUp(true);
    const r = await transferFiles([itemFor('a.txt')], deps);
    assert.equal(
      r.outcomes.map((o) => o.status),
      ['would-upload'],
    );
    assert.equal(await listBucket(sb.client(), config.storage.bucket), []);
    assert.is(cache.size, 0);
    assert.ok(log.records.some((x) => x.kind === 'dry-run' && x.msg === 'would upload' && x.key === 'a.txt'));
  });

  test('an unreachable server stops the stage: the rest is not attempted', async () => {
    for (let i = 0; i < 5; i++) writeFile(sb.downloads, `${i}.txt`, `f${i}`);
    const { deps } = await setUp();
    await server().stopEndpoint();
    try {
      const r = await transferFiles(
        [0, 1, 2, 3, 4].map((i) => itemFor(`${i}.txt`)),
        { ...deps, concurrency: 1 },
      );
      assert.ok(r.unreachable);
      assert.equal(
        r.outcomes.map((o) => o.status),
        ['not-attempted', 'not-attempted', 'not-attempted', 'not-attempted', 'not-attempted'],
      );
    } finally {
      await server().startEndpoint();
    }
  });
});
