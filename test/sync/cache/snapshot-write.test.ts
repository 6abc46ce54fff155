// Writing a snapshot: atomically over the old one, nothing left beside it, read back exactly.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSnapshot } from '../../../lib/sync/cache/snapshot.ts';
import { formatSnapshotLine, writeSnapshotFile } from '../../../lib/sync/cache/snapshot-write.ts';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';
import { tempDir } from '../../support/env.ts';

const entry = (p: string): CacheEntry => ({
  path: p,
  key: p.slice(1),
  sha256: 'e'.repeat(64),
  size: 3,
  mtimeMs: 1,
  ctimeMs: 2,
  ino: 3,
  recordedAt: '2026-12-04T00:00:00.000Z',
  via: 'upload',
});

test('writeSnapshotFile replaces the old snapshot whole and leaves no temp file', () => {
  const dir = tempDir('snapw');
  const file = path.join(dir, 'state', 'file_hashes.json');
  writeSnapshotFile(file, [entry('/a')], 'http://h:1/b');
  writeSnapshotFile(file, [entry('/b\tc'), entry('/d')], 'http://h:1/b');
  assert.equal(
    parseSnapshot(fs.readFileSync(file)).map((e) => e.path),
    ['/b\tc', '/d'],
  );
  assert.equal(fs.readdirSync(path.dirname(file)), ['file_hashes.json']);
});

test('a path with a tab, newline or backslash is escaped on its line', () => {
  const line = formatSnapshotLine(entry('/x\ty\nz\\w'));
  assert.ok(line.startsWith('/x\\ty\\nz\\\\w\tx\\ty\\nz\\\\w\t'), line);
  assert.not.ok(line.includes('\n'));
});

test.run();
