import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/env.ts';

const entry = (p: string, over: Partial<CacheEntry> = {}): CacheEntry => ({
  path: p,
  key: p.slice(1),
  sha256: `sha-${p}`,
  size: 1,
  mtimeMs: 1,
  ctimeMs: 2,
  ino: 3,
  recordedAt: '2026-01-01T00:00:00Z',
  via: 'upload',
  ...over,
});

test('records survive a reopen via the journal alone, and via the snapshot after compaction', () => {
  const file = path.join(tempDir('cache'), 'state/c.json');
  const c = HashCache.open(file);
  c.record(entry('/a'));
  c.record(entry('/b'));
  // no close, no compact: as after a kill -9
  assert.is(HashCache.open(file).size, 2);
  assert.ok(fs.existsSync(`${file}.journal`));
  c.compact();
  assert.not.ok(fs.existsSync(`${file}.journal`));
  const r = HashCache.open(file);
  assert.is(r.size, 2);
  assert.is(r.get('/a')?.key, 'a');
  assert.is(r.findContent('sha-/b')?.path, '/b');
  assert.is(r.ownerOfKey('b')?.path, '/b');
});

test('isReferenced: a key a dedup entry points at, counted as entries change', () => {
  const c = HashCache.open(path.join(tempDir('cache'), 'c.json'));
  c.record(entry('/a', { key: 'old/a' }));
  c.record(entry('/b', { key: 'old/a', via: 'dedup' }));
  assert.ok(c.isReferenced('old/a'));
  assert.not.ok(c.isReferenced('a'));
  c.record(entry('/b', { key: 'new/a', via: 'dedup' })); // the dedup now points elsewhere
  assert.not.ok(c.isReferenced('old/a'));
  assert.ok(c.isReferenced('new/a'));
  c.record(entry('/b', { key: 'b', via: 'upload' }));
  assert.not.ok(c.isReferenced('new/a'));
});

test('a torn last journal line is skipped with a warning', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  c.record(entry('/a'));
  c.close();
  fs.appendFileSync(`${file}.journal`, '{"path":"/b","key":"b","sha2');
  const log = createMemoryLogger();
  const r = HashCache.open(file, { log });
  assert.is(r.size, 1);
  assert.ok(log.records.some((x) => x.kind === 'cache.journal-torn'));
});

test('after a torn last line, the next entry starts on a fresh line and survives a reopen', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  c.record(entry('/a'));
  c.close();
  fs.appendFileSync(`${file}.journal`, '{"path":"/torn","key":"torn","sha2');
  const next = HashCache.open(file);
  next.record(entry('/b'));
  next.close();
  const r = HashCache.open(file);
  assert.ok(r.get('/a') && r.get('/b'), 'the entry after the torn line is kept');
  assert.is(r.get('/torn'), undefined);
  assert.is(r.size, 2);
});

test('an unreadable snapshot is moved aside, not fatal', () => {
  const dir = tempDir('cache');
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, '{"this is": not json');
  const log = createMemoryLogger();
  const r = HashCache.open(file, { log });
  assert.is(r.size, 0);
  assert.not.ok(fs.existsSync(file));
  assert.ok(fs.readdirSync(dir).some((n) => n.startsWith('c.json.unreadable-')));
  assert.ok(log.records.some((x) => x.kind === 'cache.unreadable'));
});

test('a dry run leaves an unreadable snapshot where it is', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  fs.writeFileSync(file, 'garbage');
  assert.is(HashCache.open(file, { readOnly: true }).size, 0);
  assert.is(fs.readFileSync(file, 'utf8'), 'garbage');
});

test('dedup entries point at content but never own a key; a later record replaces an earlier one', () => {
  const c = HashCache.open(path.join(tempDir('cache'), 'c.json'));
  c.record(entry('/a', { sha256: 'S', key: 'a' }));
  c.record(entry('/b', { sha256: 'S', key: 'a', via: 'dedup' }));
  assert.is(c.findContent('S')?.path, '/a');
  assert.is(c.ownerOfKey('a')?.path, '/a');
  c.record(entry('/a', { sha256: 'T', key: 'a' }));
  assert.is(c.findContent('S'), undefined);
  assert.is(c.get('/a')?.sha256, 'T');
});

test('a path re-recorded under a new key no longer owns its old key, the same as after a reload', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  c.record(entry('/a', { key: 'old/a' }));
  c.record(entry('/a', { key: 'new/a' }));
  assert.is(c.ownerOfKey('new/a')?.path, '/a');
  assert.is(c.ownerOfKey('old/a'), undefined);
  c.compact();
  assert.is(HashCache.open(file).ownerOfKey('old/a'), undefined);
});

test('a version 1 (JSON) snapshot is read and written again as version 3', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries: [entry('/a'), entry('/b', { via: 'dedup' })] }));
  const c = HashCache.open(file);
  assert.is(c.size, 2);
  c.compact();
  assert.ok(fs.readFileSync(file, 'utf8').startsWith('telegram-sync cache v3\n'));
  assert.is(HashCache.open(file).get('/b')?.via, 'dedup');
});

test('nothing changed since the snapshot was read: compaction writes nothing', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  c.record(entry('/a'));
  c.compact();
  const before = fs.statSync(file);
  const again = HashCache.open(file);
  assert.is(again.get('/a')?.key, 'a');
  again.compact();
  const after = fs.statSync(file);
  assert.is(after.ino, before.ino, 'not replaced');
  assert.is(after.mtimeMs, before.mtimeMs);
});

// HashCache.load: the same cache as open, read off the main thread and indexed in slices (the
// scan goes on meanwhile). Entries read from the snapshot are parsed when asked for.
test('load reads what open reads (snapshot, journal, a later entry for the same path), in slices', async () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  for (let i = 0; i < 25_000; i++) c.record(entry(`/f${i}`, { size: i, mtimeMs: 1732522222123.4567 + i }));
  c.compact();
  c.record(entry('/f7', { size: 70, sha256: 'sha-new' })); // in the journal only
  c.close();
  const loaded = await HashCache.load(file);
  const opened = HashCache.open(file);
  assert.is(loaded.size, 25_000);
  assert.equal([...loaded.entries()], [...opened.entries()]);
  assert.is(loaded.get('/f24999')?.mtimeMs, 1732522222123.4567 + 24999, 'numbers read back exactly');
  assert.is(loaded.get('/f7')?.sha256, 'sha-new');
  assert.equal(
    [loaded.statOf('/f7')?.size, loaded.statOf('/f24999')?.mtimeMs, loaded.statOf('/nope')],
    [70, 1732522222123.4567 + 24999, undefined],
    'statOf: journal and snapshot',
  );
  assert.is(loaded.findContent('sha-new')?.path, '/f7');
  assert.is(loaded.findContent('sha-/f8')?.path, '/f8');
  assert.is(
    await HashCache.load(path.join(tempDir('cache'), 'none.json')).then((x) => x.size),
    0,
    'no snapshot: an empty cache',
  );
});

test('load sets a damaged snapshot aside, like open', async () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  for (let i = 0; i < 12_000; i++) c.record(entry(`/f${i}`));
  c.compact();
  // after the first slice: found on a later turn
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('\nend\t', '\na\tbroken\tline\nend\t'));
  const log = createMemoryLogger();
  const loaded = await HashCache.load(file, { log });
  assert.is(loaded.size, 0, 'nothing from a damaged snapshot is trusted');
  assert.ok(log.records.some((x) => x.kind === 'cache.unreadable' && String(x.msg).includes('damaged line 12003')));
  assert.not.ok(fs.existsSync(file), 'moved aside');
});

test('a changed entry among 10,000 read ones: the others are written back byte for byte (UTF-8 paths too)', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  for (let i = 0; i < 10_000; i++) c.record(entry(`/фото/${i}`, { mtimeMs: 1732522222123.4567 + i }));
  c.compact();
  const before = fs.readFileSync(file, 'utf8');
  const r = HashCache.open(file);
  r.record(entry('/фото/5000', { sha256: 'sha-changed' }));
  r.record(entry('/new', { sha256: 'sha-new' }));
  r.compact();
  const after = fs.readFileSync(file, 'utf8');
  const [b, a] = [before.split('\n'), after.split('\n')];
  assert.is(a.length, b.length + 1);
  assert.equal(
    a.filter((l) => !b.includes(l) && !l.startsWith('end\t')).map((l) => l.split('\t')[2]),
    ['sha-changed', 'sha-new'],
  );
  const again = HashCache.open(file);
  assert.is(again.size, 10_001);
  assert.is(again.get('/фото/9999')?.mtimeMs, 1732522222123.4567 + 9999);
  assert.is(again.get('/фото/5000')?.sha256, 'sha-changed');
});

test('entries not asked for are written back as they were read; an index keeps entries by identity', () => {
  const file = path.join(tempDir('cache'), 'c.json');
  const c = HashCache.open(file);
  c.record(entry('/a', { mtimeMs: 0.1 + 0.2 }));
  c.record(entry('/tab\there', { key: 'k\\x', sha256: 'sha-tab' }));
  c.compact();
  const before = fs.readFileSync(file, 'utf8');
  const r = HashCache.open(file);
  assert.is(r.findContent('sha-/a')?.path, '/a'); // builds the indexes
  r.record(entry('/a', { sha256: 'sha-other' }));
  assert.is(r.findContent('sha-/a'), undefined, 'the replaced entry left the index');
  r.record(entry('/a', { mtimeMs: 0.1 + 0.2 }));
  r.compact();
  assert.is(fs.readFileSync(file, 'utf8'), before);
  assert.is(HashCache.open(file).get('/tab\there')?.key, 'k\\x');
});

test.run();
