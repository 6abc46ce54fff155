// Listings: the XML as servers send it (with and without encoding-type=url), and real listings
// from s3rver of keys that broke the minio client's own listing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createStorage } from '../../lib/storage/client.ts';
import { listQuery, parseListPage } from '../../lib/storage/listing.ts';
import { forEachConcurrent } from '../../lib/sync/transfer/pool.ts';
import type { Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

const test = suite('listing (parsing)');
const page = (contents: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>${extra}${contents}</ListBucketResult>`;
const item = (key: string) =>
  `<Contents><Key>${key}</Key><LastModified>2026-11-25T07:26:26.000Z</LastModified><ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;</ETag><Size>7</Size></Contents>`;

test('keys are decoded only when the server says it URL-encoded them', () => {
  const raw = parseListPage(page(item('a%b+c d &amp; e.txt')));
  assert.equal(
    raw.objects.map((o) => o.key),
    ['a%b+c d & e.txt'],
  );
  assert.is(raw.objects[0]?.etag, '9dd4e461268c8034f5c8564e155c67a6');
  assert.is(raw.objects[0]?.size, 7);
  const encoded = parseListPage(page(item('a%25b%2Bc+d+%26+e.txt'), '<EncodingType>url</EncodingType>'));
  assert.equal(
    encoded.objects.map((o) => o.key),
    ['a%b+c d & e.txt'],
  );
  assert.is(raw.next, undefined);
  assert.is(
    parseListPage(page('', '<IsTruncated>true</IsTruncated><NextContinuationToken>t+/=</NextContinuationToken>')).next,
    't+/=',
  );
  assert.throws(() => parseListPage('<Error><Code>AccessDenied</Code></Error>'), /not a ListBucketResult/);
});

test('the query is sorted and escaped as SigV4 signs it', () => {
  assert.is(
    listQuery('a b/(x)', 'tok+/='),
    'continuation-token=tok%2B%2F%3D&encoding-type=url&list-type=2&max-keys=1000&prefix=a%20b%2F%28x%29',
  );
});

test.run();

eachServer('listing', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('a real listing of keys with %, +, spaces, emoji and NFD forms, under a prefix', async () => {
    const storage = createStorage(sb.config());
    await storage.createBucket();
    const keys = ['p/100% real.txt', 'p/a+b.txt', 'p/😀 smile.jpg', 'p/Cafe\u0301.pdf', 'p/plain.txt', 'other/x.txt'];
    for (const k of keys) await sb.client().putObject(sb.env.MINIO_BUCKET!, k, Buffer.from(k));
    const listed: string[] = [];
    for await (const o of storage.list('p/')) listed.push(o.key);
    assert.equal(listed.sort(), keys.filter((k) => k.startsWith('p/')).sort());
  });

  it('more than one page (1,100 keys): every key once, in order', async () => {
    const storage = createStorage(sb.config());
    await storage.createBucket();
    const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
    const client = sb.client();
    await forEachConcurrent(keys, 16, (k) =>
      client.putObject(sb.env.MINIO_BUCKET!, k, Buffer.from('x')).then(() => undefined),
    );
    const listed: string[] = [];
    for await (const o of storage.list('many/')) listed.push(o.key);
    assert.is(listed.length, 1100);
    assert.equal(listed, keys);
  });
});
