// lib/sync/transfer/twins.ts over real files: only files that share a size are read ahead.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contentReader } from '../../../lib/sync/transfer/hash.ts';
import type { TransferItem } from '../../../lib/sync/plan/types.ts';
import { findTwins, takeEarlyHash } from '../../../lib/sync/transfer/twins.ts';
import { tempDir, writeFile } from '../../support/env.ts';
import fs from 'node:fs';

const root = tempDir('twins');
const item = (rel: string, content: string, ctimeMs = 1): TransferItem => {
  const absPath = writeFile(root, rel, content);
  const st = fs.statSync(absPath);
  return {
    action: 'transfer',
    key: rel,
    file: {
      source: { name: 'd', path: root, keySegment: '' },
      absPath,
      fsPath: absPath,
      relPath: rel,
      size: st.size,
      mtimeMs: 1,
      ctimeMs,
      ino: st.ino,
      dev: 1,
    },
  };
};

test('copies of the same bytes point at their original; files of a unique size are not read ahead', async () => {
  const song = item('Song name.mp3', 'same song!', 2);
  const copy = item('Song name-a1B2c3D4.mp3', 'same song!', 1);
  const sameSizeOther = item('other.mp3', 'different!');
  const unique = item('unique size.txt', 'a longer, unique content');
  const read: string[] = [];
  const twins = await findTwins(
    [copy, song, sameSizeOther, unique],
    async (f) => (read.push(path.basename(String(f.fsPath))), contentReader(1024)(f)),
    2,
  );
  assert.equal(read.sort(), ['Song name-a1B2c3D4.mp3', 'Song name.mp3', 'other.mp3']);
  assert.is(
    twins.originalOf.get(copy),
    song,
    'the name without the daemon suffix is the original, though its ctime is later',
  );
  assert.is(twins.originalOf.get(song), undefined);
  assert.equal([...twins.originals.keys()], [song]);
  assert.is(twins.hashes.has(unique), false);
  const early = takeEarlyHash(twins, song);
  assert.ok(early && 'sha256' in early && early.sha256.length === 64, 'the early hash is handed over');
  assert.is(takeEarlyHash(twins, song), undefined, 'once: the run does not keep it to its end');
  assert.is(twins.hashes.size, 2);
});

test("a file that cannot be read ahead carries its error, and is nobody's original", async () => {
  const a = item('a.bin', 'xx');
  const b = item('b.bin', 'yy');
  const twins = await findTwins(
    [a, b],
    async (f) =>
      String(f.fsPath).endsWith('a.bin')
        ? Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }))
        : contentReader(1024)(f),
    2,
  );
  const early = twins.hashes.get(a)!;
  assert.ok('error' in early && /EIO/.test(early.error));
  assert.is(twins.originals.size, 0);
});

test.run();
