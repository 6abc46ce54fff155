// lib/sync/transfer/listing-hint.ts against both servers.
import * as assert from 'uvu/assert';
import { createStorage } from '../../../lib/storage/client.ts';
import {
  LISTING_MIN_FILES,
  listBucket,
  listBucketHint,
  listedOrUnknown,
} from '../../../lib/sync/bucket/listing-hint.ts';
import { forEachConcurrent } from '../../../lib/sync/transfer/pool.ts';
import { writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

eachServer('listing hint', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('listed keys answer with size and ETag; absent keys within the listing are null; a few files list nothing', async () => {
    const storage = createStorage(sb.config());
    await storage.createBucket();
    for (const k of ['p/a.txt', 'p/😀.txt', 'p/\uFF01.txt'])
      await sb.client().putObject(sb.env.MINIO_BUCKET!, k, Buffer.from('12345'));
    const hint = (await listBucketHint(storage, 'p/', 100))!;
    assert.ok(hint.complete);
    assert.equal(hint.lookup('p/a.txt'), { size: 5, etag: '827ccb0eea8a706c4c34a16891f84e7b', listed: true });
    assert.is(hint.lookup('p/b.txt'), null);
    assert.is(hint.lookup('p/😀.txt')?.size, 5);
    assert.is(await listBucketHint(storage, 'p/', LISTING_MIN_FILES - 1), undefined);
  });

  it('a multipart ETag and a plain one come back from the listing exactly as a HEAD gives them', async () => {
    const config = sb.config({ SYNC_PART_SIZE_MB: '5', SYNC_MEMORY_MB: '10' });
    const storage = createStorage(config);
    await storage.createBucket();
    const file = writeFile(sb.downloads, 'big.bin', Buffer.alloc(11 * 1024 * 1024, 9));
    await storage.putFileInParts('m/big.bin', file, 11 * 1024 * 1024, {}, 'application/octet-stream');
    await sb.client().putObject(sb.env.MINIO_BUCKET!, 'm/small.txt', Buffer.from('small'));
    const listing = await listBucket(storage, 'm/');
    for (const key of ['m/big.bin', 'm/small.txt']) {
      const st = await sb.client().statObject(sb.env.MINIO_BUCKET!, key);
      assert.equal(listing.lookup(key), { size: st.size, etag: st.etag, listed: true }, key);
    }
    assert.equal([...listing.keys()], ['m/big.bin', 'm/small.txt']);
  });

  it('a listing cut short by its budget answers only up to its last key, in UTF-8 byte order', async () => {
    const storage = createStorage(sb.config());
    await storage.createBucket();
    const keys = Array.from({ length: 1500 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    await forEachConcurrent(keys, 16, (k) =>
      sb
        .client()
        .putObject(sb.env.MINIO_BUCKET!, k, Buffer.from('x'))
        .then(() => undefined),
    );
    const hint = (await listBucketHint(storage, 'k/', 64))!; // 64 files: one page (1,000 keys) at most
    assert.not.ok(hint.complete);
    assert.is(hint.lookup('k/0999')?.size, 1);
    assert.is(hint.lookup('k/0500x'), null, 'before the last listed key: known absent');
    assert.is(hint.lookup('k/1200'), undefined, 'past it: unknown (a HEAD decides)');
    // The whole listing: two pages, whose absences a check does not take as proof.
    const full = await listBucket(storage, 'k/');
    assert.equal([full.pages, full.complete, full.lookup('k/0500x')], [2, true, null]);
    assert.is(listedOrUnknown(full, 'k/0500x'), undefined, 'absent from two pages: unknown');
    assert.is(listedOrUnknown(full, 'k/0500')?.size, 1);
    assert.is(listedOrUnknown(hint, 'k/0500x'), null, 'absent from one page: absent');
  });

  it('a bucket that does not exist yet (a dry run) is an empty listing', async () => {
    const hint = (await listBucketHint(createStorage(sb.config()), '', 100))!;
    assert.is(hint.lookup('anything'), null);
  });
});
