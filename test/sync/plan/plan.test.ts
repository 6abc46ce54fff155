import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry, CacheView } from '../../../lib/sync/cache/types.ts';
import { planUploads } from '../../../lib/sync/plan/plan.ts';
import type { ScannedFile } from '../../../lib/sync/scan/types.ts';

const source = { name: 'd', path: '/dl', keySegment: '' };
const file = (rel: string, over: Partial<ScannedFile> = {}): ScannedFile => ({
  source,
  absPath: `/dl/${rel}`,
  fsPath: `/dl/${rel}`,
  relPath: rel,
  size: 1,
  mtimeMs: 1,
  ctimeMs: 1,
  ino: 1,
  dev: 1,
  ...over,
});
const entryOf = (f: ScannedFile, key: string): CacheEntry => ({
  path: f.absPath,
  key,
  sha256: 's',
  size: f.size,
  mtimeMs: f.mtimeMs,
  ctimeMs: f.ctimeMs,
  ino: f.ino,
  recordedAt: '',
  via: 'upload',
});
const cacheOf = (entries: CacheEntry[]): CacheView => ({
  get: (p) => entries.find((e) => e.path === p),
  statOf: (p) => entries.find((e) => e.path === p),
  findContent: (s) => entries.find((e) => e.sha256 === s),
  ownerOfKey: (k) => entries.find((e) => e.key === k),
});

test('every file the scan passed on goes to the transfer under its key, with its cache entry', () => {
  const a = file('a.txt');
  const b = file('b.txt', { ino: 2 });
  const cache = cacheOf([entryOf(a, 'p/a.txt'), entryOf({ ...b, ino: 3 }, 'p/b.txt')]);
  const plan = planUploads([a, b], cache, { prefix: 'p/' });
  assert.equal(
    plan.map((i) => [i.action, i.action === 'invalid' ? '' : i.key, i.action === 'transfer' && i.cached?.key]),
    [
      ['transfer', 'p/a.txt', 'p/a.txt'],
      ['transfer', 'p/b.txt', 'p/b.txt'],
    ],
  );
  const moved = planUploads([a], cache, { prefix: 'q/' });
  assert.equal([moved[0]?.action, moved[0]?.action === 'transfer' && moved[0].key], ['transfer', 'q/a.txt']);
  assert.equal(planUploads([file('new.txt')], cache, { prefix: 'p/' })[0], {
    action: 'transfer',
    file: file('new.txt'),
    key: 'p/new.txt',
  });
});

test('files sharing a key are conflicts unless one already owns it', () => {
  const x = file('my file.txt');
  const y = file('my_file.txt', { ino: 2 });
  const plan = planUploads([x, y], cacheOf([]), { prefix: '' });
  assert.equal(
    plan.map((i) => i.action),
    ['conflict', 'conflict'],
  );
  const owned = planUploads([x, y], cacheOf([entryOf(x, 'my_file.txt')]), { prefix: '' });
  assert.equal(
    owned.map((i) => [i.file.relPath, i.action]),
    [
      ['my file.txt', 'transfer'],
      ['my_file.txt', 'conflict'],
    ],
  );
});

test('a key owned by a file the scan found unchanged stays with it: newcomers mapping to it are conflicts', () => {
  const owner = file('my file.txt');
  const cache = cacheOf([entryOf(owner, 'my_file.txt')]);
  const onDisk = (p: string) => p === owner.absPath;
  const newcomer = file('my_file.txt', { ino: 2 });
  const lone = planUploads([newcomer], cache, { prefix: '', onDisk });
  assert.equal(
    lone.map((i) => [i.action, i.action === 'conflict' ? [i.heldBy, i.with] : '']),
    [['conflict', [owner.absPath, [owner.absPath]]]],
  );
  const two = planUploads([newcomer, file('my\tfile.txt', { ino: 3 })], cache, { prefix: '', onDisk });
  assert.equal(
    two.map((i) => i.action === 'conflict' && i.heldBy),
    [owner.absPath, owner.absPath],
  );
  // The owner gone from the disk: the newcomer goes on to the transfer, which decides.
  assert.is(planUploads([newcomer], cache, { prefix: '', onDisk: () => false })[0]?.action, 'transfer');
});

test('an impossible key is reported as invalid', () => {
  const plan = planUploads([file('a'.repeat(2000))], cacheOf([]), { prefix: '' });
  assert.is(plan[0]?.action, 'invalid');
});

test.run();
