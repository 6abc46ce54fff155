// lib/sync/cache/aside.ts: a damaged cache moved aside by a real HashCache, the newest kept.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { moveCacheAside, pruneCachesAside } from '../../../lib/sync/cache/aside.ts';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import { tempDir } from '../../support/env.ts';

test('damaged caches moved aside: only the newest three are kept', () => {
  const dir = tempDir('ret');
  const cacheFile = path.join(dir, 'file_hashes.json');
  for (const ms of [1000, 2000, 3000, 4000]) fs.writeFileSync(`${cacheFile}.unreadable-${ms}`, 'x');
  fs.writeFileSync(cacheFile, 'damaged again');
  HashCache.open(cacheFile);
  const aside = fs
    .readdirSync(dir)
    .filter((n) => n.includes('.unreadable-'))
    .sort();
  assert.is(aside.length, 3);
  assert.not.ok(
    aside.includes('file_hashes.json.unreadable-1000') || aside.includes('file_hashes.json.unreadable-2000'),
  );
  assert.equal(pruneCachesAside(cacheFile, 3), []);
});

test('moving aside keeps the bytes under a dated name', () => {
  const dir = tempDir('aside');
  const cacheFile = path.join(dir, 'file_hashes.json');
  fs.writeFileSync(cacheFile, 'damaged');
  const aside = moveCacheAside(cacheFile, 5000);
  assert.is(aside, `${cacheFile}.unreadable-5000`);
  assert.is(fs.readFileSync(aside, 'utf8'), 'damaged');
  assert.not.ok(fs.existsSync(cacheFile));
});

test.run();
