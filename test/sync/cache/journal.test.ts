import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';
import { openJournal, readJournal } from '../../../lib/sync/cache/journal.ts';
import { tempDir } from '../../support/env.ts';

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

test('the journal: entries in order; torn and foreign lines counted, not fatal; none when there is none', () => {
  const file = path.join(tempDir('journal'), 'j');
  assert.equal(readJournal(file), { entries: [], torn: 0 });
  fs.writeFileSync(
    file,
    `${JSON.stringify(entry())}\n{"not":"an entry"}\n${JSON.stringify(entry({ path: '/b' }))}\n{"path":"/cut`,
  );
  const { entries, torn } = readJournal(file);
  assert.equal(
    entries.map((e) => e.path),
    ['/dl/a b.jpg', '/b'],
  );
  assert.is(torn, 2);
});

test('a journal cut mid-line by a crash: the next entry starts on a line of its own (and is read back)', () => {
  const file = path.join(tempDir('journal'), 'sub', 'j');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(entry())}\n{"path":"/cut`);
  const fd = openJournal(file, 'http://h:1/b');
  fs.writeSync(fd, `${JSON.stringify(entry({ path: '/after' }))}\n`);
  fs.closeSync(fd);
  const { entries, torn } = readJournal(file);
  assert.equal(
    entries.map((e) => e.path),
    ['/dl/a b.jpg', '/after'],
  );
  assert.is(torn, 1);
});

test('a new journal is created with its folder; an intact one is appended to as it is', () => {
  const file = path.join(tempDir('journal'), 'new', 'j');
  let fd = openJournal(file, 'http://h:1/b');
  fs.writeSync(fd, `${JSON.stringify(entry())}\n`);
  fs.closeSync(fd);
  fd = openJournal(file, 'http://h:1/b');
  fs.writeSync(fd, `${JSON.stringify(entry({ path: '/b' }))}\n`);
  fs.closeSync(fd);
  assert.is(fs.readFileSync(file, 'utf8').split('\n').length, 4, 'the destination, two lines, the final newline');
  assert.equal(readJournal(file).destination, 'http://h:1/b');
  assert.is(readJournal(file).torn, 0, 'the destination line is not an entry, nor torn');
  assert.equal(readJournal(file), { entries: [entry(), entry({ path: '/b' })], torn: 0, destination: 'http://h:1/b' });
});

test.run();
