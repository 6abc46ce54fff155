import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VerificationError } from '../../../lib/errors.ts';
import { createBufferPool } from '../../../lib/sync/transfer/buffers.ts';
import { contentReader, forEachChunk, HASH_CHUNK_BYTES, sha256File } from '../../../lib/sync/transfer/hash.ts';
import { tempDir, writeFile } from '../../support/env.ts';

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

test('sha256File matches node:crypto over a file of several read chunks, and of none', async () => {
  const bytes = crypto.randomBytes(3 * HASH_CHUNK_BYTES + 17);
  const f = writeFile(tempDir('hash'), 'x.bin', bytes);
  assert.is(await sha256File(f), sha(bytes));
  const empty = writeFile(tempDir('hash'), 'empty', '');
  assert.is(await sha256File(empty), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('forEachChunk: every byte once, in order, in chunks of at most 2 MiB; the pooled block given back', async () => {
  const bytes = crypto.randomBytes(4 * HASH_CHUNK_BYTES + 5);
  const f = writeFile(tempDir('hash'), 'chunks.bin', bytes);
  const pool = createBufferPool(8 * HASH_CHUNK_BYTES);
  const seen: Buffer[] = [];
  await forEachChunk(f, (c) => seen.push(Buffer.from(c)), pool); // copied: the chunk's memory is read into again
  assert.equal(
    seen.map((c) => c.length),
    [HASH_CHUNK_BYTES, HASH_CHUNK_BYTES, HASH_CHUNK_BYTES, HASH_CHUNK_BYTES, 5],
  );
  assert.ok(Buffer.concat(seen).equals(bytes));
  assert.is(pool.stats().lent, 0);
});

test('forEachChunk: a feed that throws stops the read; the error comes out, the block is given back, the file closed', async () => {
  const f = writeFile(tempDir('hash'), 'stop.bin', crypto.randomBytes(3 * HASH_CHUNK_BYTES));
  const pool = createBufferPool(8 * HASH_CHUNK_BYTES);
  // Descriptors open on this very file (other tests' sockets may close meanwhile: not counted).
  const fds = () =>
    fs.readdirSync('/proc/self/fd').filter((n) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${n}`) === f;
      } catch {
        return false;
      }
    }).length;
  const before = fds();
  let calls = 0;
  await forEachChunk(
    f,
    () => {
      calls++;
      throw new Error('feed failed');
    },
    pool,
  ).then(
    () => assert.unreachable(),
    (e: Error) => assert.is(e.message, 'feed failed'),
  );
  assert.is(calls, 1);
  assert.is(pool.stats().lent, 0);
  assert.is(fds(), before);
  assert.is(before, 0);
});

test('a missing file is an error with its code, not a hash', async () => {
  await sha256File('/nonexistent/file').then(
    () => assert.unreachable(),
    (e: NodeJS.ErrnoException) => assert.is(e.code, 'ENOENT'),
  );
});

test('contentReader: a small file is held (its bytes are what gets sent), a large one only hashed', async () => {
  const dir = tempDir('hash');
  const read = contentReader(1024);
  const small = writeFile(dir, 'small.txt', 'x'.repeat(1024));
  const s = await read({ fsPath: small, size: 1024 });
  assert.is(s.sha256, sha('x'.repeat(1024)));
  assert.ok(s.body?.equals(Buffer.from('x'.repeat(1024))));
  const large = writeFile(dir, 'large.bin', crypto.randomBytes(1025));
  const l = await read({ fsPath: large, size: 1025 });
  assert.is(l.sha256, sha(fs.readFileSync(large)));
  assert.is(l.body, undefined);
});

test('contentReader: a small file whose size changed since the scan is a failure to retry, not an upload', async () => {
  const f = writeFile(tempDir('hash'), 'grew.txt', 'longer than scanned');
  await contentReader(1024)({ fsPath: f, size: 5 }).then(
    () => assert.unreachable(),
    (e: unknown) => {
      assert.instance(e, VerificationError);
      assert.match((e as Error).message, /changed since the scan \(5 bytes then, 19 now\)/);
    },
  );
});

test.run();
