// The bucket decides (issue 21): the proof as a table over a listing, then on both servers what a
// user meets when the bucket changed under the cache: another bucket configured, an object
// deleted behind the tool's back, an object whose bytes changed; and the setting that turns it off.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ListingHint } from '../../../lib/sync/bucket/listing-hint.ts';
import { proofFrom } from '../../../lib/sync/bucket/proof.ts';
import { listBucket, readCache, syncOnce, writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

const sha = (b: string) => crypto.createHash('sha256').update(b).digest('hex');

function listingOf(objects: Record<string, { size: number; etag: string }>, pages = 1, prefix = 'p/'): ListingHint {
  return {
    pages,
    complete: true,
    prefix,
    keys: () => Object.keys(objects),
    lookup: (key) => {
      if (!key.startsWith(prefix)) return undefined;
      const o = objects[key];
      return o ? { ...o, listed: true } : null;
    },
  };
}

// And: changed in size or ETag; unknown: not in the listing.
test('the proof as a table: listed as recorded, missing, changed, or unknown', () => {
  const proof = proofFrom(listingOf({ 'p/a': { size: 3, etag: 'e1' } }));
  const rows: Array<[string, { key: string; size: number; etag?: string }, string]> = [
    ['listed with the size and ETag recorded', { key: 'p/a', size: 3, etag: 'e1' }, 'proven'],
    ['an entry from before ETags were kept: the size proves it', { key: 'p/a', size: 3 }, 'proven'],
    ['not listed (one page): missing', { key: 'p/b', size: 3 }, 'missing'],
    ['another size', { key: 'p/a', size: 4, etag: 'e1' }, 'changed'],
    ['another ETag', { key: 'p/a', size: 3, etag: 'e2' }, 'changed'],
    ['outside the prefix listed: unknown', { key: 'old/a', size: 3 }, 'unknown'],
  ];
  for (const [name, entry, kind] of rows) assert.is(proof(entry).kind, kind, name);
  const paged = proofFrom(listingOf({}, 3));
  assert.is(paged({ key: 'p/x', size: 1 }).kind, 'unknown', 'absent from a listing of several pages: a HEAD decides');
});

test.run();

eachServer('the bucket decides', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '0' });

  // And: the second bucket gets every file.
  it('another bucket configured: the cache made for the first proves nothing there', async () => {
    writeFile(sb.downloads, 'a.txt', 'aaa');
    writeFile(sb.downloads, 'b/c.txt', 'ccc');
    const first = sb.config();
    assert.is((await syncOnce(first)).summary.uploaded, 2);
    const second = sb.config({ MINIO_BUCKET: `${first.storage.bucket}-second` });
    const run = await syncOnce(second);
    assert.equal([run.summary.status, run.summary.uploaded], ['ok', 2]);
    const said = run.log.records.find((r) => r.kind === 'cache.other-destination-proven');
    assert.match(String(said?.msg), /count only where this bucket proves them/);
    assert.is(run.log.records.filter((r) => r.kind === 'bucket.unproven').length, 2);
    assert.equal(
      (await listBucket(sb.client(), second.storage.bucket)).map((o) => [o.key, o.sha256]),
      [
        ['a.txt', sha('aaa')],
        ['b/c.txt', sha('ccc')],
      ],
    );
    const back = await syncOnce(first);
    assert.equal(
      [back.summary.uploaded, back.summary.skipped.unchanged],
      [0, 2],
      'back to the first: its listing proves every entry, nothing sent or asked',
    );
  });

  it('the same server under another name: every entry proven by the listing, nothing sent', async () => {
    writeFile(sb.downloads, 'a.txt', 'aaa');
    await syncOnce(sb.config());
    const other = sb.config({ MINIO_ENDPOINT: sb.server.endpoint.replace('127.0.0.1', 'localhost') });
    const run = await syncOnce(other);
    assert.equal([run.summary.uploaded, run.summary.adopted, run.summary.skipped.unchanged], [0, 0, 1]);
    assert.ok(run.log.records.some((r) => r.kind === 'cache.other-destination-proven'));
  });

  it('with the proof off, a cache made for another bucket is moved aside, never trusted', async () => {
    writeFile(sb.downloads, 'a.txt', 'aaa');
    await syncOnce(sb.config());
    const second = sb.config({ MINIO_BUCKET: `${sb.env.MINIO_BUCKET}-off`, SYNC_BUCKET_PROOF: 'off' });
    const run = await syncOnce(second);
    assert.equal([run.summary.uploaded, run.summary.skipped.unchanged], [1, undefined]);
    const said = run.log.records.find((r) => r.kind === 'cache.other-destination');
    assert.match(String(said?.msg), /moved aside/);
    assert.ok(fs.readdirSync(path.dirname(second.cacheFile)).some((f) => f.includes('other-destination-')));
  });

  it("an object deleted behind the tool's back is uploaded again, and said so", async () => {
    writeFile(sb.downloads, 'keep.txt', 'kept');
    writeFile(sb.downloads, 'gone.txt', 'deleted by a person');
    const config = sb.config();
    await syncOnce(config);
    await sb.client().removeObject(config.storage.bucket, 'gone.txt');
    const run = await syncOnce(config);
    assert.equal([run.summary.uploaded, run.summary.skipped.unchanged], [1, 1]);
    const said = run.log.records.find((r) => r.kind === 'bucket.unproven');
    assert.match(String(said?.msg), /^gone\.txt is no longer in the bucket: sending it again$/);
    assert.is(
      (await listBucket(sb.client(), config.storage.bucket)).find((o) => o.key === 'gone.txt')?.sha256,
      sha('deleted by a person'),
    );
    assert.is((await syncOnce(config)).summary.uploaded, 0, 'and then it is proven again');
  });

  it("an object whose bytes changed in the bucket is named and replaced by the file's bytes", async () => {
    writeFile(sb.downloads, 'photo.jpg', 'the real photo');
    const config = sb.config();
    await syncOnce(config);
    // Another client writes other bytes of the same size under the key, keeping our metadata.
    const meta = { 'x-amz-meta-sha256': sha('the real photo') };
    await sb.client().putObject(config.storage.bucket, 'photo.jpg', Buffer.from('a fake photo!!'), 14, meta);
    const run = await syncOnce(config);
    assert.is(run.summary.uploaded, 1);
    const said = run.log.records.find((r) => r.kind === 'bucket.unproven');
    assert.match(String(said?.msg), /^photo\.jpg changed in the bucket \(ETag \w+, recorded \w+\): replacing it/);
    const [object] = await listBucket(sb.client(), config.storage.bucket);
    assert.is(object?.size, 14);
    const stored = await sb.client().getObject(config.storage.bucket, 'photo.jpg');
    let text = '';
    for await (const c of stored) text += c;
    assert.is(text, 'the real photo');
    assert.is(
      readCache(config).get(`${sb.downloads}/photo.jpg`)?.etag,
      crypto.createHash('md5').update('the real photo').digest('hex'),
    );
  });

  it('SYNC_BUCKET_PROOF=off trusts the cache: a deleted object stays missing (the trade-off it makes)', async () => {
    writeFile(sb.downloads, 'gone.txt', 'x');
    const config = sb.config({ SYNC_BUCKET_PROOF: 'off' });
    await syncOnce(config);
    await sb.client().removeObject(config.storage.bucket, 'gone.txt');
    const run = await syncOnce(config);
    assert.equal([run.summary.uploaded, run.summary.skipped.unchanged], [0, 1]);
    assert.not.ok(run.log.records.some((r) => r.kind === 'bucket.listed'));
  });
});
