import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry } from '../../lib/sync/cache.ts';
import { formatSnapshot, parseSnapshot, SNAPSHOT_HEADER } from '../../lib/sync/cache-file.ts';

const entry = (over: Partial<CacheEntry> = {}): CacheEntry => ({
  path: '/dl/a b.jpg', key: 'a_b.jpg', sha256: 'f'.repeat(64), size: 12, mtimeMs: 1732522222123.4567, ctimeMs: 1732522223000.001, ino: 123456789, recordedAt: '2026-11-25T03:00:00.000Z', via: 'upload', ...over,
});

test('entries round-trip exactly, awkward paths included (tab, newline, backslash, ‛, emoji)', () => {
  const entries = [entry(), entry({ path: '/dl/tab\there\nnewline\\back‛E9 😀', key: 'k\\x', via: 'dedup' }), entry({ path: '/dl/c', size: 0, ino: 0, via: 'adopted' })];
  const text = [...formatSnapshot(entries, 2)].join('');
  assert.ok(text.startsWith(SNAPSHOT_HEADER + '\n'));
  assert.is(text.split('\n').length, entries.length + 2, 'one line per entry: the newline in a path is escaped');
  assert.equal(parseSnapshot(text), entries);
});

test('anything but a version 2 snapshot is refused (the cache moves it aside)', () => {
  assert.throws(() => parseSnapshot('{"version":1,"entries":[]}'), /not a version 2 cache/);
  assert.throws(() => parseSnapshot(`${SNAPSHOT_HEADER}\nonly\tthree\tfields\n`), /damaged line 2/);
  assert.throws(() => parseSnapshot(`${SNAPSHOT_HEADER}\na\tb\tc\t1\t2\t3\t4\tstolen\tt\n`), /damaged line 2/);
  assert.equal(parseSnapshot(`${SNAPSHOT_HEADER}\n`), []);
});

test.run();
