import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry, CacheView } from '../../../lib/sync/cache/cache.ts';
import { planUploads, settledCheck } from '../../../lib/sync/plan/plan.ts';
import type { ScannedFile } from '../../../lib/sync/scan/scan.ts';

const source = { name: 'd', path: '/dl', keySegment: '' };
const file = (rel: string, over: Partial<ScannedFile> = {}): ScannedFile => ({ source, absPath: `/dl/${rel}`, fsPath: `/dl/${rel}`, relPath: rel, size: 1, mtimeMs: 1, ctimeMs: 1, ino: 1, dev: 1, ...over });
const entryOf = (f: ScannedFile, key: string): CacheEntry => ({ path: f.absPath, key, sha256: 's', size: f.size, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs, ino: f.ino, recordedAt: '', via: 'upload' });
const cacheOf = (entries: CacheEntry[]): CacheView => ({
  get: (p) => entries.find((e) => e.path === p),
  statOf: (p) => entries.find((e) => e.path === p),
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

test('the scan\'s settled check says "unchanged" exactly where the plan would skip', () => {
  const a = file('a.txt');
  const cache = cacheOf([entryOf(a, 'p/a.txt'), entryOf(file('moved.txt'), 'old/moved.txt')]);
  const check = settledCheck(cache, { prefix: 'p/', force: false })!;
  assert.ok(check(a));
  assert.not.ok(check(file('a.txt', { ctimeMs: 2 })), 'touched');
  assert.not.ok(check(file('new.txt')), 'not in the cache');
  assert.not.ok(check(file('moved.txt')), 'recorded under another key');
  assert.not.ok(settledCheck(cache, { prefix: 'q/', force: false })!(a), 'the prefix changed');
  assert.is(settledCheck(cache, { prefix: 'p/', force: true }), undefined, '--force: nothing is settled');
  for (const f of [a, file('a.txt', { size: 9 }), file('new.txt')]) {
    assert.is(check(f), planUploads([f], cache, { prefix: 'p/', force: false })[0]?.action === 'skip', f.relPath);
  }
});

test('a key owned by a file the scan found unchanged stays with it: newcomers mapping to it are conflicts', () => {
  const owner = file('my file.txt');
  const cache = cacheOf([entryOf(owner, 'my_file.txt')]);
  const settled = new Set([owner.absPath]);
  const newcomer = file('my_file.txt', { ino: 2 });
  const lone = planUploads([newcomer], cache, { prefix: '', force: false, settled });
  assert.equal(lone.map((i) => [i.action, i.action === 'conflict' ? [i.heldBy, i.with] : '']), [['conflict', [owner.absPath, [owner.absPath]]]]);
  const two = planUploads([newcomer, file('my\tfile.txt', { ino: 3 })], cache, { prefix: '', force: false, settled });
  assert.equal(two.map((i) => i.action === 'conflict' && i.heldBy), [owner.absPath, owner.absPath]);
  // The owner gone from the disk (not settled): the newcomer goes on to the transfer, which decides.
  assert.is(planUploads([newcomer], cache, { prefix: '', force: false, settled: new Set() })[0]?.action, 'transfer');
});

test('an impossible key is reported as invalid', () => {
  const plan = planUploads([file('a'.repeat(2000))], cacheOf([]), { prefix: '', force: false });
  assert.is(plan[0]?.action, 'invalid');
});

test.run();
