// lib/sync/transfer/facts.ts: what the hash implies (pure, from the cache and the old system's cache), and
// what the bucket says, on both servers: an object's ETag proving or disproving the bytes
// (single-part, and multipart as another client cut it), and other objects as sources.
import crypto from 'node:crypto';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Minio from 'minio';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { createStorage } from '../../../lib/storage/client.ts';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';
import { decideFile, type FileFacts } from '../../../lib/sync/plan/decide.ts';
import {
  gatherProof,
  gatherRemote,
  gatherSource,
  headAhead,
  listedEtagCheck,
  provenByListing,
  withHash,
} from '../../../lib/sync/transfer/facts.ts';
import { contentReader } from '../../../lib/sync/transfer/hash.ts';
import { legacyHints } from '../../../lib/sync/cache/legacy.ts';
import { listBucketHint } from '../../../lib/sync/bucket/listing-hint.ts';
import { createRecorder } from '../../../lib/sync/cache/record.ts';
import type { ScannedFile } from '../../../lib/sync/scan/types.ts';
import type { TransferDeps } from '../../../lib/sync/transfer/types.ts';
import { tempDir, writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

const MIB = 1024 * 1024;
const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const noFlight = { has: () => false, wait: async () => null };
const scanned = (absPath: string, relPath: string, size: number): ScannedFile => ({
  source: { name: 'd', path: path.dirname(absPath), keySegment: '' },
  absPath,
  fsPath: absPath,
  relPath,
  size,
  mtimeMs: 1,
  ctimeMs: 1,
  ino: 1,
  dev: 1,
});

function depsFor(cache: HashCache, over: Partial<TransferDeps> = {}): TransferDeps {
  const log = createMemoryLogger();
  const gate = createGate({ dryRun: false, log });
  return {
    storage: undefined as never,
    cache,
    recorder: createRecorder(cache, { gate }),
    read: contentReader(MIB),
    inMemoryMaxBytes: MIB,
    gate,
    log,
    force: false,
    concurrency: 1,
    ...over,
  };
}

test("withHash: the holder of the bytes, the file's own object under its old key, then the old system's objects; never the key itself", () => {
  const cache = HashCache.open(path.join(tempDir('facts'), 'c.json'));
  const old: CacheEntry = {
    path: '/dl/chan/a b.jpg',
    key: 'old/chan/a_b.jpg',
    sha256: 's'.repeat(64),
    size: 3,
    mtimeMs: 1,
    ctimeMs: 1,
    ino: 1,
    recordedAt: '',
    via: 'upload',
  };
  cache.record(old);
  const legacy = legacyHints(
    new Map([
      ['/usr/share/Telegram-Files/chan/a b.jpg', 's'.repeat(64)],
      ['/usr/share/Telegram-Files/chan/first.jpg', 's'.repeat(64)],
    ]),
  );
  const facts: FileFacts = {
    file: scanned('/dl/chan/a b.jpg', 'chan/a b.jpg', 3),
    key: 'new/chan/a_b.jpg',
    force: false,
    cached: old,
  };
  const f = withHash(facts, 's'.repeat(64), depsFor(cache, { legacy }), noFlight);
  assert.is(f.contentHolder?.path, old.path);
  assert.equal(f.sources, [
    { key: 'old/chan/a_b.jpg', role: 'own' },
    { key: 'chan/a_b.jpg', role: 'own' },
    { key: 'chan/first.jpg', role: 'holder' },
  ]);
  const same = withHash({ ...facts, key: 'chan/a_b.jpg' }, 's'.repeat(64), depsFor(cache, { legacy }), noFlight);
  assert.equal(
    same.sources?.map((s) => s.key),
    ['old/chan/a_b.jpg', 'chan/first.jpg'],
    'the key itself is not a source',
  );
  assert.is(
    withHash(facts, 's'.repeat(64), depsFor(cache), { has: () => true, wait: async () => null }).inFlight,
    'running',
  );
  assert.is(
    withHash(facts, 's'.repeat(64), depsFor(cache), { has: () => true, wait: async () => null }, true).inFlight,
    undefined,
    "an original's own claim",
  );
  assert.is(withHash(facts, 'T'.repeat(64), depsFor(cache), noFlight).sources, undefined, 'other bytes now: no source');
});

test.run();

eachServer('facts from the bucket', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  async function setUp() {
    const config = sb.config();
    const storage = createStorage(config);
    await storage.createBucket();
    return depsFor(HashCache.open(config.cacheFile), { storage });
  }

  // The bytes as another client uploads them: minio-js cutting 8 MiB parts (as the AWS CLI does).
  async function putAsOtherClient(key: string, body: Buffer): Promise<void> {
    const client = new Minio.Client({
      endPoint: '127.0.0.1',
      port: sb.server.port,
      useSSL: false,
      accessKey: sb.server.accessKey!,
      secretKey: sb.server.secretKey!,
      pathStyle: true,
      partSize: 8 * MIB,
    });
    const file = writeFile(tempDir('facts'), 'put.bin', body);
    await client.fPutObject(sb.env.MINIO_BUCKET!, key, file, {});
  }

  it('an ETag proves the same bytes (single-part and multipart) and disproves other bytes of the same size', async () => {
    const deps = await setUp();
    const dir = tempDir('facts');
    const small = crypto.randomBytes(1000);
    const big = crypto.randomBytes(20 * MIB + 7);
    await putAsOtherClient('small.bin', small);
    await putAsOtherClient('big.bin', big);
    const other = Buffer.from(big);
    other[12 * MIB] ^= 1;
    const cases: Array<[string, Buffer, boolean]> = [
      ['small.bin', small, true],
      ['big.bin', big, true],
      ['big.bin', other, false],
    ];
    for (const [key, bytes, proven] of cases) {
      const abs = writeFile(dir, `${key}.${proven}`, bytes);
      let f: FileFacts = { file: scanned(abs, key, bytes.length), key, force: false, sha256: sha(bytes) };
      f = await gatherRemote(f, deps);
      assert.ok(f.remote && !f.remote.sha256 && f.remote.size === bytes.length, `${key} stat'ed`);
      f = await gatherProof(f, bytes.length <= MIB ? bytes : undefined, deps);
      assert.is(f.proof, proven, `${key} ${proven ? 'proven' : 'disproven'} by ETag ${f.remote?.etag}`);
    }
  });

  it("a listed object of the file's size is proven by its ETag in the read that hashes the file: no HEAD", async () => {
    const deps0 = await setUp();
    const bytes = Buffer.from('listed bytes');
    await putAsOtherClient('same.txt', bytes);
    await putAsOtherClient('other.txt', Buffer.from('LISTED BYTES'));
    const hint = await listBucketHint(deps0.storage, '', 1000);
    let heads = 0;
    const storage = { ...deps0.storage, stat: (key: string) => (heads++, deps0.storage.stat(key)) };
    const deps = { ...deps0, storage, ...(hint ? { hint } : {}) };
    const abs = writeFile(tempDir('facts'), 'f.txt', bytes);
    const facts = (key: string): FileFacts => ({ file: scanned(abs, key, bytes.length), key, force: false });
    for (const [key, proven] of [
      ['same.txt', true],
      ['other.txt', false],
    ] as const) {
      assert.is(headAhead(facts(key), deps), undefined, `${key}: the read can prove its ETag, no HEAD ahead`);
      const check = listedEtagCheck(facts(key), deps)!;
      check.feed(bytes);
      assert.is(check.matches(), proven, key);
    }
    const f = provenByListing({ ...facts('same.txt'), sha256: sha(bytes) }, deps);
    assert.equal(decideFile(f), { action: 'record', via: 'adopted', key: 'same.txt' });
    assert.is(heads, 0, 'nothing asked of the server');
  });

  it("a HEAD is sent ahead only for a listed object of the file's size whose ETag no read can prove", async () => {
    const deps0 = await setUp();
    const bytes = Buffer.from('listed bytes');
    await deps0.storage.putBuffer('same.txt', bytes, sha(bytes), { sha256: sha(bytes) }, 'text/plain');
    await deps0.storage.putBuffer('shorter.txt', Buffer.from('x'), sha('x'), { sha256: sha('x') }, 'text/plain');
    const listed = (await listBucketHint(deps0.storage, '', 1000))!;
    // As for an object encrypted with SSE-C: its listed ETag is not an MD5 of the bytes.
    const hint = { ...listed, lookup: (k: string) => listed.lookup(k) && { ...listed.lookup(k)!, etag: 'sse-c-etag' } };
    let heads = 0;
    const storage = { ...deps0.storage, stat: (key: string) => (heads++, deps0.storage.stat(key)) };
    const deps = { ...deps0, storage, hint };
    const abs = writeFile(tempDir('facts'), 'f.txt', bytes);
    const facts = (key: string, force = false): FileFacts => ({ file: scanned(abs, key, bytes.length), key, force });
    assert.is(headAhead(facts('missing.txt'), deps), undefined, 'not in the bucket: nothing to ask');
    assert.is(headAhead(facts('shorter.txt'), deps), undefined, 'another size: the listing says enough');
    assert.is(headAhead(facts('same.txt', true), deps), undefined, '--force asks nothing');
    assert.is(listedEtagCheck(facts('same.txt'), deps), undefined);
    assert.is(heads, 0);
    const ahead = headAhead(facts('same.txt'), deps);
    assert.ok(ahead);
    assert.is(heads, 1, 'sent at once');
    let f: FileFacts = { ...facts('same.txt'), sha256: sha(bytes) };
    f = await gatherRemote(f, deps, ahead);
    assert.ok(f.remote?.listed, 'first from the listing');
    f = await gatherRemote(f, deps, ahead);
    assert.is(f.remote?.sha256, sha(bytes), 'then the HEAD sent ahead');
    assert.is(heads, 1, 'no second HEAD');
  });

  it('sources: proven by our sha256 or by ETag, not by a missing object or one of another size', async () => {
    const deps = await setUp();
    const bytes = Buffer.from('the bytes');
    await putAsOtherClient('by-etag.txt', bytes);
    await deps.storage.putBuffer('by-sha.txt', bytes, sha(bytes), { sha256: sha(bytes) }, 'text/plain');
    await putAsOtherClient('longer.txt', Buffer.from('the bytes and more'));
    const abs = writeFile(tempDir('facts'), 'f.txt', bytes);
    let f: FileFacts = {
      file: scanned(abs, 'f.txt', bytes.length),
      key: 'f.txt',
      force: false,
      sha256: sha(bytes),
      sources: ['gone.txt', 'longer.txt', 'by-sha.txt', 'by-etag.txt'].map((key) => ({ key, role: 'own' as const })),
    };
    for (let i = 0; i < 4; i++) f = await gatherSource(f, bytes, deps);
    assert.equal(
      f.sources?.map((s) => s.proven),
      [false, false, true, true],
    );
    assert.ok(f.sources?.[2]?.etag, 'the ETag a copy is made conditional on');
  });
});
