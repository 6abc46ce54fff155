// lib/lock/lock-file.ts on a real filesystem: link() creates only when absent, a file is replaced
// only while it is the one that was read, and a lock that cannot be parsed reads as unreadable.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linkInto, readLock, readOnDisk, replaceIfSame } from '../../lib/lock/lock-file.ts';
import { tempDir } from '../support/env.ts';

test('readLock: absent, unreadable, or the owner it names', () => {
  const dir = tempDir('lockfile');
  const file = path.join(dir, 'l.lock');
  assert.is(readLock(file), undefined);
  fs.writeFileSync(file, 'not json');
  assert.is(readLock(file), 'unreadable');
  fs.writeFileSync(file, JSON.stringify({ pid: 42, host: 'h', startedAt: 'x' }));
  assert.equal(readLock(file), { pid: 42, host: 'h', startedAt: 'x' });
});

test('linkInto refuses an existing file; replaceIfSame refuses one that changed since it was read', () => {
  const dir = tempDir('lockfile');
  const [file, a, b] = ['l.lock', 'a.tmp', 'b.tmp'].map((n) => path.join(dir, n)) as [string, string, string];
  fs.writeFileSync(a, 'A');
  fs.writeFileSync(b, 'B');
  assert.ok(linkInto(a, file));
  assert.not.ok(linkInto(b, file), 'already there');
  const judged = readOnDisk(file)!;
  fs.rmSync(file);
  fs.writeFileSync(file, 'C'); // another taker replaced it meanwhile
  assert.not.ok(replaceIfSame(file, judged, b));
  assert.is(fs.readFileSync(file, 'utf8'), 'C');
  assert.ok(replaceIfSame(file, readOnDisk(file)!, b));
  assert.is(fs.readFileSync(file, 'utf8'), 'B');
});

test.run();
