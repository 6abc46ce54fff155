import crypto from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candidatePartSizes, etagCheck, etagForm, etagProvable, matchesEtag } from '../../../lib/sync/transfer/etag.ts';
import { tempDir, writeFile } from '../../support/env.ts';

const MIB = 1024 * 1024;
const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest();
const multipartEtag = (b: Buffer, p: number) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += p) parts.push(md5(b.subarray(i, i + p)));
  return `${crypto.createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}`;
};

test('ETag forms: a plain MD5, a multipart digest with its part count, anything else', () => {
  assert.equal(etagForm('"9DD4E461268C8034F5C8564E155C67A6"'), {
    kind: 'md5',
    md5: '9dd4e461268c8034f5c8564e155c67a6',
  });
  assert.equal(etagForm('dbddd5de47b8dbda11d67200462acce7-3'), {
    kind: 'multipart',
    digest: 'dbddd5de47b8dbda11d67200462acce7',
    parts: 3,
  });
  assert.equal(etagForm(''), { kind: 'other' });
  assert.equal(etagForm('kms-opaque-etag'), { kind: 'other' });
});

test('candidate part sizes give exactly N parts: common client sizes, the smallest whole MiB, and one the server states', () => {
  assert.equal(candidatePartSizes(20 * MIB, 3), [8 * MIB, 7 * MIB]);
  assert.equal(candidatePartSizes(20 * MIB, 4), [5 * MIB]);
  assert.ok(candidatePartSizes(12 * MIB + 5, 2, 7 * MIB).includes(7 * MIB));
});

// Asked without making the check's hashers; always the same answer as whether a check is made.
test('etagProvable answers as etagCheck would: an MD5, a multipart form some part size fits, not others', () => {
  const cases: Array<[string, number, boolean]> = [
    ['9dd4e461268c8034f5c8564e155c67a6', 10, true],
    ['dbddd5de47b8dbda11d67200462acce7-4', 20 * MIB, true],
    ['dbddd5de47b8dbda11d67200462acce7-40000', 20 * MIB, false],
    ['kms-opaque-etag', 10, false],
  ];
  for (const [etag, size, provable] of cases) {
    assert.is(etagProvable(etag, size), provable, etag);
    assert.is(etagCheck(etag, size) !== undefined, provable, etag);
  }
});

test('single-part: the MD5 of the bytes, in memory or from the file', async () => {
  const bytes = crypto.randomBytes(3 * MIB + 1);
  const file = writeFile(tempDir('etag'), 'a.bin', bytes);
  const etag = md5(bytes).toString('hex');
  assert.ok(await matchesEtag(etag, { body: bytes, fsPath: file, size: bytes.length }));
  assert.ok(await matchesEtag(etag, { fsPath: file, size: bytes.length }));
  const other = Buffer.from(bytes);
  other[0] = other[0]! ^ 1;
  assert.not.ok(await matchesEtag(etag, { body: other, fsPath: file, size: other.length }), 'same size, other bytes');
});

test('multipart: recomputed for the part size the uploader used (minio-py 5 MiB, AWS CLI 8 MiB, ours 16 MiB, an odd one the server states)', async () => {
  const bytes = crypto.randomBytes(37 * MIB + 123);
  const file = writeFile(tempDir('etag'), 'v.mp4', bytes);
  for (const p of [5 * MIB, 8 * MIB, 16 * MIB])
    assert.ok(await matchesEtag(multipartEtag(bytes, p), { fsPath: file, size: bytes.length }), `${p / MIB} MiB parts`);
  const odd = 7 * MIB + 4096;
  assert.not.ok(
    await matchesEtag(multipartEtag(bytes, odd), { fsPath: file, size: bytes.length }),
    'an unusual size is not guessed',
  );
  assert.ok(
    await matchesEtag(multipartEtag(bytes, odd), { fsPath: file, size: bytes.length }, odd),
    'but proven once the server states it',
  );
  assert.not.ok(await matchesEtag('0'.repeat(32) + '-8', { fsPath: file, size: bytes.length }));
});

test.run();
