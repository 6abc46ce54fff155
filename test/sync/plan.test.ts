import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry, CacheView } from '../../lib/sync/cache.ts';
import { planUploads } from '../../lib/sync/plan.ts';
import type { ScannedFile } from '../../lib/sync/scan.ts';

const source = { name: 'd', path: '/dl', keySegment: '' };
const file = (rel: string, over: Partial<ScannedFile> = {}): ScannedFile => ({ source, absPath: `/dl/${rel}`, fsPath: `/dl/${rel}`, relPath: rel, size: 1, mtimeMs: 1, ctimeMs: 1, ino: 1, dev: 1, ...over });
const entryOf = (f: ScannedFile, key: string): CacheEntry => ({ path: f.absPath, key, sha256: 's', size: f.size, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs, ino: f.ino, recordedAt: '', via: 'upload' });
const cacheOf = (entries: CacheEntry[]): CacheView => ({
  get: (p) => entries.find((e) => e.path === p),
  findContent: (s) => entries.find((e) => e.sha256 === s),
  ownerOfKey: (k) => entries.find((e) => e.key === k),
});

test('unchanged stat is skipped without a transfer; changed stat or --force transfers', () => {
  const a = file('a.txt');
  const b = file('b.txt', { ino: 2 });
  const cache = cacheOf([entryOf(a, 'p/a.txt'), entryOf({ ...b, ino: 3 }, 'p/b.txt')]);
  const plan = planUploads([a, b], cache, { prefix: 'p/', force: false });
  assert.equal(plan.map((i) => [i.action, i.action === 'invalid' ? '' : i.key]), [['skip', 'p/a.txt'], ['transfer', 'p/b.txt']]);
  const moved = planUploads([a], cache, { prefix: 'q/', force: false });
  assert.is(moved[0]?.action, 'transfer', 'recorded under another key: not skipped');
  const forced = planUploads([a, b], cache, { prefix: 'p/', force: true });
  assert.equal(forced.map((i) => i.action), ['transfer', 'transfer']);
});

test('files sharing a key are conflicts unless one already owns it', () => {
  const x = file('my file.txt');
  const y = file('my_file.txt', { ino: 2 });
  const plan = planUploads([x, y], cacheOf([]), { prefix: '', force: false });
  assert.equal(plan.map((i) => i.action), ['conflict', 'conflict']);
  const owned = planUploads([x, y], cacheOf([entryOf(x, 'my_file.txt')]), { prefix: '', force: true });
  assert.equal(owned.map((i) => [i.file.relPath, i.action]), [['my file.txt', 'transfer'], ['my_file.txt', 'conflict']]);
});

test('an impossible key is reported as invalid', () => {
  const plan = planUploads([file('a'.repeat(2000))], cacheOf([]), { prefix: '', force: false });
  assert.is(plan[0]?.action, 'invalid');
});

test.run();
