import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanDownloads, scanNames } from '../../../lib/sync/scan/scan.ts';
import type { WalkedDir } from '../../../lib/sync/scan/types.ts';
import { DEFAULT_PARTIAL_SUFFIXES } from '../../../lib/config/keys-sync.ts';
import { statManySync } from '../../../lib/sync/scan/stat-worker.ts';
import { tempDir, writeFile } from '../../support/env.ts';

const opts = { partialSuffixes: [...DEFAULT_PARTIAL_SUFFIXES], exclude: [] as string[], stableAfterMs: 0 };

test('downloader conventions: partial suffixes of every downloader are skipped, final names kept', async () => {
  const root = tempDir('scan');
  writeFile(root, '777_12_Report 2024.pdf.tmp', 'x'); // tdl
  writeFile(root, 'Song name.mp3.tdd', 'x'); // telegram-download-daemon
  writeFile(root, 'temp/My Chat/2024_06/5 - clip.mp4.temp', 'x'); // tangyoha
  writeFile(root, 'browser.CRDOWNLOAD', 'x');
  writeFile(root, '777_13_Report 2024.pdf', 'done');
  const r = await scanDownloads([{ name: 'd', path: root, keySegment: '' }], opts);
  assert.equal(
    r.files.map((f) => f.relPath),
    ['777_13_Report 2024.pdf'],
  );
  assert.is(r.skipped.filter((s) => s.reason === 'partial').length, 4);
});

test('stability uses ctime, not mtime: a tdl file with an old message-date mtime is still too fresh', async () => {
  const root = tempDir('scan');
  const f = writeFile(root, '1_2_old message.jpg', 'x');
  const old = new Date('2019-01-01T00:00:00Z');
  fs.utimesSync(f, old, old);
  const r = await scanDownloads([{ name: 'd', path: root, keySegment: '' }], { ...opts, stableAfterMs: 60_000 });
  assert.is(r.files.length, 0);
  assert.is(r.skipped[0]?.reason, 'unstable');
  const later = await scanDownloads([{ name: 'd', path: root, keySegment: '' }], {
    ...opts,
    stableAfterMs: 60_000,
    now: () => new Date(Date.now() + 61_000),
  });
  assert.is(later.files.length, 1);
});

test('excludes, hidden files, FIFOs and symlinks (followed, loops refused)', async () => {
  const root = tempDir('scan');
  writeFile(root, 'keep/a.txt', 'a');
  writeFile(root, 'keep/thumbs/a.jpg', 'a');
  writeFile(root, 'keep/notes.nfo', 'a');
  writeFile(root, '.cache/x', 'a');
  execFileSync('mkfifo', [path.join(root, 'keep/pipe')]);
  const outside = tempDir('outside');
  writeFile(outside, 'linked.txt', 'l');
  fs.symlinkSync(outside, path.join(root, 'linked-dir'));
  fs.symlinkSync(root, path.join(root, 'keep/loop'));
  const r = await scanDownloads([{ name: 'd', path: root, keySegment: '' }], {
    ...opts,
    exclude: ['*.nfo', 'keep/thumbs/**'],
  });
  assert.equal(
    r.files.map((f) => f.relPath),
    ['keep/a.txt', 'linked-dir/linked.txt'],
  );
  const reasons = Object.fromEntries(r.skipped.map((s) => [path.relative(root, s.path), s.reason]));
  assert.equal(reasons, {
    '.cache': 'hidden',
    'keep/notes.nfo': 'excluded',
    'keep/thumbs/a.jpg': 'excluded',
    'keep/pipe': 'not-regular',
    'keep/loop': 'symlink-loop',
  });
});

test('a missing download dir is reported, not fatal', async () => {
  const root = tempDir('scan');
  writeFile(root, 'a.txt', 'a');
  const r = await scanDownloads(
    [
      { name: 'gone', path: path.join(root, 'nope'), keySegment: 'g/' },
      { name: 'd', path: root, keySegment: '' },
    ],
    opts,
  );
  assert.is(r.files.length, 1);
  assert.is(r.skipped[0]?.reason, 'unreadable');
});

test('scanNames: entries named by events judged by the rules of the scan; a new folder walked whole; unstable says when it is ready', async () => {
  const root = tempDir('scan');
  const source = { name: 'd', path: root, keySegment: '' };
  const seen: string[] = [];
  const first = await scanDownloads([source], { ...opts, onDir: (d) => seen.push(d.place.rel) });
  assert.equal([first.files.length, seen], [0, ['']]);
  writeFile(root, 'a.jpg.tmp', 'x');
  writeFile(root, '.hidden', 'x');
  writeFile(root, 'moved in/deep/b.jpg', 'b');
  writeFile(root, 'c.jpg', 'c');
  const top: WalkedDir = { source, place: { fs: root, text: root, rel: '', rawRel: undefined }, ancestors: new Set() };
  const names = ['a.jpg.tmp', '.hidden', 'moved in', 'c.jpg', 'gone.jpg'].map((n) => ({
    dir: top,
    name: Buffer.from(n),
  }));
  const dirs: string[] = [];
  const r = await scanNames(names, { ...opts, onDir: (d) => dirs.push(d.place.rel) });
  assert.equal(
    r.files.map((f) => f.relPath),
    ['c.jpg', 'moved in/deep/b.jpg'],
  );
  assert.equal(dirs, ['moved in', 'moved in/deep']);
  assert.equal(r.skipped.map((s) => s.reason).sort(), ['hidden', 'partial', 'vanished']);
  const fresh = await scanNames([{ dir: top, name: Buffer.from('c.jpg') }], { ...opts, stableAfterMs: 60_000 });
  const ctime = fs.statSync(path.join(root, 'c.jpg')).ctimeMs;
  assert.equal(
    fresh.skipped.map((s) => [s.reason, s.readyAt]),
    [['unstable', ctime + 60_000]],
  );
});

test("a large folder is stat'ed on worker threads: the same files and skips as on the main thread", async () => {
  const root = tempDir('scan');
  for (let i = 0; i < 700; i++) writeFile(root, `big/${i % 3 ? '' : '.'}${i} photo.jpg${i % 7 ? '' : '.tmp'}`, `x${i}`);
  writeFile(root, 'big/deeper/inner.jpg', 'y');
  fs.symlinkSync(path.join(root, 'gone'), path.join(root, 'big', 'broken link'));
  fs.symlinkSync(path.join(root, 'big'), path.join(root, 'big', 'back up'));
  const sources = [{ name: 'd', path: root, keySegment: '' }];
  const skips = (r: Awaited<ReturnType<typeof scanDownloads>>) => r.skipped.map((x) => `${x.reason} ${x.path}`).sort();
  const onWorkers = await scanDownloads(sources, opts);
  const here = await scanDownloads(sources, { ...opts, statMany: statManySync });
  assert.is(onWorkers.files.length, 401);
  assert.equal(onWorkers.files, here.files);
  assert.equal(skips(onWorkers), skips(here));
  assert.ok(skips(onWorkers).includes(`broken-link ${path.join(root, 'big', 'broken link')}`));
  assert.ok(skips(onWorkers).includes(`symlink-loop ${path.join(root, 'big', 'back up')}`));
});

test.run();
