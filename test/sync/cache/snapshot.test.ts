import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';
import {
  entryAt,
  indexSnapshot,
  parseSnapshot,
  snapshotOf,
  SNAPSHOT_HEADER,
  statAt,
} from '../../../lib/sync/cache/snapshot.ts';
import { formatSnapshot } from '../../../lib/sync/cache/snapshot-write.ts';

const DEST = 'http://127.0.0.1:9000/telegram';
const entry = (over: Partial<CacheEntry> = {}): CacheEntry => ({
  path: '/dl/a b.jpg',
  key: 'a_b.jpg',
  sha256: 'f'.repeat(64),
  size: 12,
  mtimeMs: 1732522222123.4567,
  ctimeMs: 1732522223000.001,
  ino: 123456789,
  recordedAt: '2026-11-25T03:00:00.000Z',
  via: 'upload',
  ...over,
});

test('entries round-trip exactly, awkward paths included (tab, newline, backslash, ‛, emoji)', () => {
  const entries = [
    entry(),
    entry({ path: '/dl/tab\there\nnewline\\back‛E9 😀', key: 'k\\x', via: 'dedup' }),
    entry({ path: '/dl/c', size: 0, ino: 0, via: 'adopted', etag: '9dd4e461268c8034f5c8564e155c67a6-3' }),
  ];
  const text = [...formatSnapshot(entries, DEST, 2)].join('');
  assert.ok(text.startsWith(`${SNAPSHOT_HEADER}\ndestination\t${DEST}\n`));
  assert.ok(text.endsWith('\nend\t3\n'));
  assert.is(text.split('\n').length, entries.length + 4, 'one line per entry: the newline in a path is escaped');
  assert.equal(parseSnapshot(text), entries);
  assert.is(snapshotOf(Buffer.from(text)).destination, DEST);
});

test('anything but a version 2 or 3 snapshot is refused (the cache moves it aside)', () => {
  const head = `${SNAPSHOT_HEADER}\ndestination\t${DEST}\n`;
  assert.throws(() => parseSnapshot('{"version":1,"entries":[]}'), /not a version 2 or 3 cache/);
  assert.throws(() => parseSnapshot(`${SNAPSHOT_HEADER}\nend\t0\n`), /damaged line 2 \(no destination\)/);
  assert.throws(() => parseSnapshot(`${head}only\tthree\tfields\nend\t1\n`), /damaged line 3/);
  assert.throws(() => parseSnapshot(`${head}a\tb\tc\t1\t2\t3\t4\tstolen\tt\te\nend\t1\n`), /damaged line 3/);
  assert.equal(parseSnapshot(`${head}end\t0\n`), []);
});

// And: as is one whose end line does not count its entries.
test('a snapshot knows it is whole: one cut short anywhere is refused', () => {
  const text = [...formatSnapshot([entry(), entry({ path: '/b' }), entry({ path: '/c' })], DEST)].join('');
  assert.equal(parseSnapshot(text).length, 3);
  for (let cut = text.indexOf('\n', 40); cut < text.length - 2; cut += 7) {
    assert.throws(() => parseSnapshot(text.slice(0, cut)), /cut short|damaged/, `cut at ${cut}`);
  }
  assert.throws(() => parseSnapshot(text.replace('end\t3', 'end\t2')), /end line names 2 entries, it holds 3/);
  assert.throws(() => parseSnapshot(`${text}/late\tline\n`), /after its end line/);
});

test('a version 2 snapshot (no destination, no ETag, no end line) is still read', () => {
  const v2 = `telegram-sync cache v2\n/k\tk\t${'a'.repeat(64)}\t1\t2\t3\t4\tupload\tt\n`;
  const snap = snapshotOf(Buffer.from(v2));
  assert.equal([snap.version, snap.destination], [2, undefined]);
  assert.equal(parseSnapshot(v2), [
    {
      path: '/k',
      key: 'k',
      sha256: 'a'.repeat(64),
      size: 1,
      mtimeMs: 2,
      ctimeMs: 3,
      ino: 4,
      via: 'upload',
      recordedAt: 't',
    },
  ]);
});

test('a snapshot with non-ASCII paths is read as UTF-8 (an all-ASCII one as Latin-1): the same entries', () => {
  const entries = [
    entry({ path: '/dl/Канал/фото 1.jpg', key: 'Канал/фото_1.jpg' }),
    entry({ path: '/dl/😀 ‛E9', via: 'copied' }),
    entry({ path: '/dl/plain' }),
  ];
  const text = [...formatSnapshot(entries, DEST)].join('');
  assert.equal(parseSnapshot(Buffer.from(text)), entries);
  assert.equal(
    parseSnapshot(text.replace(/[^\x00-\x7f]/g, 'x')).map((e) => e.path),
    ['/dl/xxxxx/xxxx 1.jpg', '/dl/xx xE9', '/dl/plain'],
  );
});

test('numbers are read back exactly: whole, fractional, and past what digits alone can hold', () => {
  const entries = [
    entry({ size: 0, ino: 0, mtimeMs: 0, ctimeMs: 0.30000000000000004 }),
    entry({ path: '/b', size: 2 ** 53 - 1, ino: 18446744073709552000, mtimeMs: 1732522222123, ctimeMs: -1 }),
  ];
  assert.equal(parseSnapshot([...formatSnapshot(entries, DEST)].join('')), entries);
});

test('lines kept as read are written back as they are, between entries written anew', () => {
  const kept = Buffer.from('/k\tk\t' + 'a'.repeat(64) + '\t1\t2\t3\t4\tupload\tt\te1\n');
  const text = Buffer.concat(
    [...formatSnapshot([entry(), kept, entry({ path: '/z' })], DEST, 1)].map((c) =>
      typeof c === 'string' ? Buffer.from(c) : c,
    ),
  ).toString();
  assert.equal(
    parseSnapshot(text).map((e) => e.path),
    ['/dl/a b.jpg', '/k', '/z'],
  );
});

test('statAt reads what the first rule needs, the same as the whole entry says', () => {
  const entries = [
    entry(),
    entry({ path: '/dl/Канал', key: 'k\\with\tescapes', via: 'dedup', size: 2 ** 40, ino: 18446744073709552000 }),
    entry({ path: '/z', mtimeMs: 1732522222123 }),
  ];
  const snap = snapshotOf(Buffer.from([...formatSnapshot(entries, DEST)].join('')));
  const index = new Map<string, CacheEntry | number>();
  indexSnapshot(snap, index);
  for (const [p, at] of index) {
    const { key, size, mtimeMs, ctimeMs, ino, via } = entryAt(snap, at as number, p);
    assert.equal(statAt(snap, at as number), { key, size, mtimeMs, ctimeMs, ino, via }, p);
  }
});

test.run();
