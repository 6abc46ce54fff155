// checkBucket (`sync --check`) on both servers: what it finds after a sync, after the bucket and
// the disk changed behind the cache's back, and without a cache; and that it writes nothing.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { createStorage } from '../../../lib/storage/client.ts';
import { checkBucket } from '../../../lib/sync/check/check.ts';
import { listBucket, syncOnce, writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

const MiB = 1024 * 1024;

eachServer('sync --check', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  const names = (items: readonly { path: string }[]) => items.map((i) => path.relative(sb.downloads, i.path)).sort();

  it('after a sync every file is in the bucket; then each change behind the cache is found', async () => {
    const config = sb.config({ SYNC_PART_SIZE_MB: '5', SYNC_MEMORY_MB: '10' });
    writeFile(sb.downloads, 'a.txt', 'alpha');
    writeFile(sb.downloads, 'twin of a.txt', 'alpha');
    writeFile(sb.downloads, 'b/c.txt', 'charlie');
    writeFile(sb.downloads, 'gone.txt', 'will be removed from the bucket');
    writeFile(sb.downloads, 'big.bin', Buffer.alloc(11 * MiB, 7)); // three parts: a multipart ETag
    const first = await syncOnce(config);
    assert.is(first.summary.status, 'ok');
    assert.is(first.summary.deduplicated, 1);

    const clean = await checkBucket(config, createStorage(config));
    assert.is(clean.files, 5);
    assert.is(clean.matched, 5, JSON.stringify(clean));
    assert.equal([clean.missing, clean.differ, clean.unchecked, clean.onlyInBucket], [[], [], [], []]);

    const client = sb.client();
    const bucket = sb.env.MINIO_BUCKET!;
    await client.removeObject(bucket, 'gone.txt');
    await client.putObject(bucket, 'b/c.txt', Buffer.from('CHARLIE')); // same size, other bytes
    await client.putObject(bucket, 'stray.bin', Buffer.from('no local file'));
    writeFile(sb.downloads, 'new.txt', 'not synced yet');
    fs.appendFileSync(path.join(sb.downloads, 'a.txt'), ' and more'); // changed here since the sync
    const old = new Date(Date.now() - 3_600_000);
    for (const f of ['new.txt', 'a.txt']) fs.utimesSync(path.join(sb.downloads, f), old, old);

    const before = await listBucket(client, bucket);
    const cacheBytes = fs.readFileSync(config.cacheFile);
    const r = await checkBucket(config, createStorage(config));
    assert.equal(names(r.missing), ['gone.txt', 'new.txt']);
    assert.equal(names(r.differ), ['a.txt', 'b/c.txt']);
    assert.match(r.differ.find((i) => i.key === 'a.txt')!.detail, /5 bytes in the bucket, 14 here/);
    assert.match(r.differ.find((i) => i.key === 'b/c.txt')!.detail, /do not match/);
    assert.equal(r.onlyInBucket, ['stray.bin']);
    assert.is(r.matched, 2, 'the twin (held by a.txt’s object, unchanged) and big.bin');

    // Nothing written: the bucket, the cache, no lock.
    assert.equal(await listBucket(client, bucket), before);
    assert.equal(fs.readFileSync(config.cacheFile), cacheBytes);
    assert.not.ok(fs.existsSync(config.lockFile), 'no lock left');
  });

  it('without a cache the content is proven by the ETag (single and multipart) from the bytes', async () => {
    const config = sb.config({ SYNC_PART_SIZE_MB: '5', SYNC_MEMORY_MB: '10' });
    writeFile(sb.downloads, 'one.txt', 'one');
    writeFile(sb.downloads, 'big.bin', Buffer.alloc(11 * MiB, 3));
    await syncOnce(config);
    fs.rmSync(config.cacheFile);
    const r = await checkBucket(config, createStorage(config));
    assert.is(r.matched, 2, JSON.stringify(r));
    await sb.client().putObject(sb.env.MINIO_BUCKET!, 'big.bin', Buffer.alloc(11 * MiB, 4));
    const changed = await checkBucket(config, createStorage(config));
    assert.equal(names(changed.differ), ['big.bin']);
    assert.not.ok(fs.existsSync(config.cacheFile), 'no cache made');
  });

  it('a file that cannot be read is named as not checked, not counted as in the bucket', async () => {
    const config = sb.config();
    writeFile(sb.downloads, 'ok.txt', 'ok');
    fs.symlinkSync('/nowhere/at/all', path.join(sb.downloads, 'broken'));
    const r = await checkBucket(config, createStorage(config));
    assert.equal(names(r.missing), ['ok.txt']);
    assert.equal(names(r.unchecked), ['broken']);
    assert.match(r.unchecked[0]!.detail, /broken-link/);
  });
});
