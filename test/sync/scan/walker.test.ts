// The walk under the scan, through scanDownloads: listing ahead (a sync) against listing in the
// walk's turn (a watch, which is told of each folder), and the settled check.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_PARTIAL_SUFFIXES } from '../../../lib/config/keys-sync.ts';
import { scanDownloads } from '../../../lib/sync/scan/scan.ts';
import type { ScannedFile } from '../../../lib/sync/scan/types.ts';
import { tempDir, writeFile } from '../../support/env.ts';

const opts = { partialSuffixes: [...DEFAULT_PARTIAL_SUFFIXES], exclude: ['skip me/**'] as string[], stableAfterMs: 0 };

// Channels with years with files (some hidden, partial, excluded), a linked folder, a loop.
function makeTree(): string {
  const root = tempDir('walker');
  for (let c = 0; c < 12; c++) {
    for (const y of ['2024', '2025']) {
      for (let i = 0; i < 30; i++)
        writeFile(root, `Channel ${c}/${y}/${i} photo ${c}.jpg${i % 10 === 9 ? '.tmp' : ''}`, `${c}-${y}-${i}`);
      writeFile(root, `Channel ${c}/${y}/.hidden`, 'h');
    }
  }
  writeFile(root, 'skip me/x.jpg', 'x');
  writeFile(root, '.thumbs/t.jpg', 't');
  writeFile(root, 'elsewhere/real/e.jpg', 'e');
  fs.symlinkSync(path.join(root, 'elsewhere/real'), path.join(root, 'Channel 3/linked'));
  fs.symlinkSync(root, path.join(root, 'Channel 5/2024/loop'));
  return root;
}

test("listed ahead (a sync) or in the walk's turn (a watch): the same files, skips and order", async () => {
  const root = makeTree();
  const sources = [{ name: 'd', path: root, keySegment: '' }];
  const dirs: string[] = [];
  const ahead = await scanDownloads(sources, opts);
  const inTurn = await scanDownloads(sources, { ...opts, onDir: (d) => dirs.push(d.place.rel) });
  assert.is(ahead.files.length, 12 * 2 * 27 + 2, 'every complete file (the linked one too)');
  assert.equal(ahead.files, inTurn.files);
  const skips = (r: typeof ahead) => r.skipped.map((s) => `${s.reason} ${path.relative(root, s.path)}`).sort();
  assert.equal(skips(ahead), skips(inTurn));
  assert.ok(skips(ahead).includes('symlink-loop Channel 5/2024/loop'));
  assert.is(skips(ahead).filter((s) => s.startsWith('hidden')).length, 12 * 2 + 1);
  assert.is(new Set(dirs).size, dirs.length, 'each folder listed once');
});

// And: awaited before any file is judged.
test('a settled check: what it settles is counted, not kept, and left out of the files', async () => {
  const root = makeTree();
  const sources = [{ name: 'd', path: root, keySegment: '' }];
  let asked = 0;
  const check = (f: ScannedFile) => (asked++, f.relPath.startsWith('Channel 1/'));
  const settled = new Promise<(f: ScannedFile) => boolean>((resolve) => setTimeout(() => resolve(check), 50));
  const r = await scanDownloads(sources, { ...opts, settled });
  assert.is(asked, 12 * 2 * 27 + 2, 'asked of every complete file');
  assert.is(r.settled, 2 * 27);
  assert.is(r.files.length, 12 * 2 * 27 + 2 - 2 * 27);
  assert.not.ok(r.files.some((f) => f.relPath.startsWith('Channel 1/')));
  const none = await scanDownloads(sources, { ...opts, settled: Promise.resolve(undefined) });
  assert.is(none.files.length, 12 * 2 * 27 + 2, 'no check: nothing settled');
});

test.run();
