import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HASH_CHUNK_BYTES, HashingPassThrough, sha256File } from '../../lib/sync/hash.ts';
import { tempDir, writeFile } from '../support/env.ts';

test('sha256File matches node:crypto over a file of several read chunks, and of none', async () => {
  const bytes = crypto.randomBytes(3 * HASH_CHUNK_BYTES + 17);
  const f = writeFile(tempDir('hash'), 'x.bin', bytes);
  assert.is(await sha256File(f), crypto.createHash('sha256').update(bytes).digest('hex'));
  const empty = writeFile(tempDir('hash'), 'empty', '');
  assert.is(await sha256File(empty), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('a missing file is an error with its code, not a hash', async () => {
  await sha256File('/nonexistent/file').then(() => assert.unreachable(), (e: NodeJS.ErrnoException) => assert.is(e.code, 'ENOENT'));
});

test('HashingPassThrough passes the bytes on unchanged, counting and hashing them', async () => {
  const bytes = crypto.randomBytes(2 * HASH_CHUNK_BYTES + 5);
  const f = writeFile(tempDir('hash'), 'y.bin', bytes);
  const hasher = new HashingPassThrough();
  const got: Buffer[] = [];
  await pipeline(fs.createReadStream(f), hasher, new Writable({ write: (c, _e, cb) => (got.push(c as Buffer), cb()) }));
  assert.ok(Buffer.concat(got).equals(bytes));
  assert.is(hasher.bytes, bytes.length);
  assert.is(hasher.digest(), crypto.createHash('sha256').update(bytes).digest('hex'));
});

test.run();
