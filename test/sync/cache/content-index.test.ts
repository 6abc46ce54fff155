import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ContentIndex } from '../../../lib/sync/cache/content-index.ts';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';

const entry = (path: string, key: string, sha256: string, via: CacheEntry['via'] = 'upload'): CacheEntry => ({
  path,
  key,
  sha256,
  size: 1,
  mtimeMs: 1,
  ctimeMs: 1,
  ino: 1,
  recordedAt: '',
  via,
});

test('by content and by key, built at first use; a dedup entry holds nothing but is counted on its key', () => {
  const entries = [entry('/a', 'a', 'S1'), entry('/b', 'a', 'S1', 'dedup'), entry('/c', 'c', 'S2')];
  let built = 0;
  const index = new ContentIndex(() => (built++, entries));
  assert.is(built, 0, 'nothing read until asked');
  assert.is(index.findContent('S1')?.path, '/a');
  assert.is(index.ownerOfKey('c')?.path, '/c');
  assert.is(index.findContent('S9'), undefined);
  assert.ok(index.isReferenced('a'));
  assert.not.ok(index.isReferenced('c'));
});

test('a replaced entry leaves the indexes: its key and content go with it, and dedup counts follow', () => {
  // The cache's entries by path, updated before each replace, as HashCache does.
  const byPath = new Map([
    ['/a', entry('/a', 'a', 'S1')],
    ['/d', entry('/d', 'a', 'S1', 'dedup')],
  ]);
  const index = new ContentIndex(() => byPath.values());
  const [a, d] = [byPath.get('/a')!, byPath.get('/d')!];
  assert.ok(index.isReferenced('a'));
  assert.is(index.findContent('S1'), a, 'built now, before the change');
  byPath.set('/a', entry('/a', 'a2', 'S3'));
  index.replace(a, byPath.get('/a')!);
  assert.equal(
    [index.ownerOfKey('a'), index.findContent('S1'), index.ownerOfKey('a2')?.path],
    [undefined, undefined, '/a'],
  );
  byPath.set('/d', entry('/d', 'd', 'S4'));
  index.replace(d, byPath.get('/d')!);
  assert.not.ok(index.isReferenced('a'), 'the dedup that pointed at it is gone');
});

test.run();
