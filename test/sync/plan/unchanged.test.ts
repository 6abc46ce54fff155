// The "unchanged" rule: one function, applied by the scan (a table of what it settles).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry, CacheView } from '../../../lib/sync/cache/types.ts';
import { isSameStat, isUnchanged, unchangedCheck } from '../../../lib/sync/plan/unchanged.ts';
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
const entryOf = (f: ScannedFile, key: string, over: Partial<CacheEntry> = {}): CacheEntry => ({
  path: f.absPath,
  key,
  sha256: 's',
  size: f.size,
  mtimeMs: f.mtimeMs,
  ctimeMs: f.ctimeMs,
  ino: f.ino,
  recordedAt: '',
  via: 'upload',
  ...over,
});
const cacheOf = (entries: CacheEntry[]): CacheView => ({
  get: (p) => entries.find((e) => e.path === p),
  statOf: (p) => entries.find((e) => e.path === p),
  findContent: (s) => entries.find((e) => e.sha256 === s),
  ownerOfKey: (k) => entries.find((e) => e.key === k),
});

const rows: Array<[string, CacheEntry | undefined, ScannedFile, boolean]> = [
  ['stat matches the entry under this key: settled unread', entryOf(file('a.jpg'), 'a.jpg'), file('a.jpg'), true],
  [
    'stat matches a dedup entry (another file holds the content): settled unread',
    entryOf(file('a.jpg'), 'b.jpg', { via: 'dedup' }),
    file('a.jpg'),
    true,
  ],
  ['no entry: passed on', undefined, file('a.jpg'), false],
  ['stat changed: passed on', entryOf(file('a.jpg'), 'a.jpg'), file('a.jpg', { ctimeMs: 9 }), false],
  ['recorded under another key (prefix changed): passed on', entryOf(file('a.jpg'), 'old/a.jpg'), file('a.jpg'), false],
];

for (const [name, entry, f, settled] of rows) {
  test(name, () => assert.is(unchangedCheck(cacheOf(entry ? [entry] : []), { prefix: '', force: false })!(f), settled));
}

test('isUnchanged: the same stat and an entry that covers the key (its own, or a dedup pointing anywhere)', () => {
  const s = { size: 1, mtimeMs: 2, ctimeMs: 3, ino: 4 };
  assert.ok(isUnchanged({ ...s, key: 'k', via: 'upload' }, s, 'k'));
  assert.not.ok(isUnchanged({ ...s, key: 'old/k', via: 'upload' }, s, 'k'));
  assert.ok(isUnchanged({ ...s, key: 'other', via: 'dedup' }, s, 'k'));
  assert.not.ok(isUnchanged({ ...s, key: 'k', via: 'upload' }, { ...s, ctimeMs: 5 }, 'k'));
});

test('isSameStat compares size, mtime, ctime and inode', () => {
  const s = { size: 1, mtimeMs: 2, ctimeMs: 3, ino: 4 };
  assert.ok(isSameStat(s, { ...s }));
  for (const k of ['size', 'mtimeMs', 'ctimeMs', 'ino'] as const) assert.not.ok(isSameStat(s, { ...s, [k]: 99 }));
});

test("the scan's check settles exactly the files isUnchanged says, under the key each maps to now", () => {
  const a = file('a.txt');
  const cache = cacheOf([entryOf(a, 'p/a.txt'), entryOf(file('moved.txt'), 'old/moved.txt')]);
  const check = unchangedCheck(cache, { prefix: 'p/', force: false })!;
  assert.ok(check(a));
  assert.not.ok(check(file('a.txt', { ctimeMs: 2 })), 'touched');
  assert.not.ok(check(file('new.txt')), 'not in the cache');
  assert.not.ok(check(file('moved.txt')), 'recorded under another key');
  assert.not.ok(unchangedCheck(cache, { prefix: 'q/', force: false })!(a), 'the prefix changed');
  assert.is(unchangedCheck(cache, { prefix: 'p/', force: true }), undefined, '--force: nothing is settled');
  for (const f of [a, file('a.txt', { size: 9 }), file('new.txt')]) {
    const cached = cache.statOf(f.absPath);
    assert.is(check(f), cached !== undefined && isUnchanged(cached, f, `p/${f.relPath}`), f.relPath);
  }
});

test.run();
