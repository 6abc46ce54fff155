import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import { cacheEntryFor, createRecorder } from '../../../lib/sync/cache/record.ts';
import type { ScannedFile } from '../../../lib/sync/scan/types.ts';
import { tempDir } from '../../support/env.ts';

const file: ScannedFile = {
  source: { name: 'd', path: '/dl', keySegment: '' },
  absPath: '/dl/a.txt',
  fsPath: '/dl/a.txt',
  relPath: 'a.txt',
  size: 3,
  mtimeMs: 10,
  ctimeMs: 20,
  ino: 30,
  dev: 1,
};
const at = new Date('2026-11-23T03:00:00Z');

test('an entry carries the stat identity, the key, the hash and why it was recorded', () => {
  assert.equal(cacheEntryFor(file, 'S', 'k', 'adopted', at), {
    path: '/dl/a.txt',
    key: 'k',
    sha256: 'S',
    size: 3,
    mtimeMs: 10,
    ctimeMs: 20,
    ino: 30,
    recordedAt: '2026-11-23T03:00:00.000Z',
    via: 'adopted',
  });
});

test('a record reaches the journal at once; finish writes the snapshot', async () => {
  const cacheFile = path.join(tempDir('rec'), 'state/c.json');
  const cache = HashCache.open(cacheFile);
  const rec = createRecorder(cache, { gate: createGate({ dryRun: false }), now: () => at });
  await rec.record(file, 'S', 'k', 'upload');
  assert.is(HashCache.open(cacheFile).get('/dl/a.txt')?.key, 'k', 'readable by another process before finish');
  await rec.finish();
  assert.not.ok(fs.existsSync(`${cacheFile}.journal`));
  assert.is(HashCache.open(cacheFile).get('/dl/a.txt')?.sha256, 'S');
});

test('under --dry-run nothing is recorded or written, and the gate says what it would do', async () => {
  const cacheFile = path.join(tempDir('rec'), 'c.json');
  const cache = HashCache.open(cacheFile);
  const log = createMemoryLogger();
  const rec = createRecorder(cache, { gate: createGate({ dryRun: true, log }) });
  await rec.record(file, 'S', 'k', 'upload');
  await rec.finish();
  assert.is(cache.size, 0);
  assert.not.ok(fs.existsSync(cacheFile) || fs.existsSync(`${cacheFile}.journal`));
  assert.equal(
    log.records.map((r) => r.msg),
    ['would record in the cache', 'would write the cache snapshot'],
  );
});

test.run();
