import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_PARTIAL_SUFFIXES } from '../../lib/config/keys-sync.ts';
import type { WalkedDir } from '../../lib/sync/scan/types.ts';
import { realTimers } from '../../lib/watch/debounce.ts';
import { Intake, isSmall } from '../../lib/watch/intake.ts';
import type { PendingName } from '../../lib/watch/pending.ts';
import { tempDir, waitFor, writeFile } from '../support/env.ts';

test('heard names are judged by the scan rules: complete ones become ready, partials are dropped, fresh ones wait until stable', async () => {
  const root = tempDir('intake');
  const top: WalkedDir = {
    source: { name: 'd', path: root, keySegment: '' },
    place: { fs: root, text: root, rel: '', rawRel: undefined },
    ancestors: new Set(),
  };
  let readies = 0;
  const intake = new Intake(
    realTimers,
    Date.now,
    () => ({ partialSuffixes: [...DEFAULT_PARTIAL_SUFFIXES], exclude: [], stableAfterMs: 1500 }),
    () => void readies++,
    (t) => (t === root ? top : undefined),
  );
  writeFile(root, 'old.jpg', 'o');
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(root, 'old.jpg'), past, past); // moves ctime to now: still fresh
  writeFile(root, 'a.jpg.tmp', 'p');
  for (const n of ['old.jpg', 'a.jpg.tmp']) intake.heard(top, Buffer.from(n));
  assert.ok(intake.knows(path.join(root, 'old.jpg')));
  await waitFor('a first judgement', () => readies > 0);
  assert.is(intake.readyCount, 0, 'nothing stable yet');
  await waitFor('old.jpg to be stable', () => intake.readyCount === 1);
  assert.equal(
    intake.takeReady(10).map((p) => p.path),
    [path.join(root, 'old.jpg')],
  );
  assert.not.ok(intake.knows(path.join(root, 'a.jpg.tmp')), 'the partial is dropped');
  intake.close();
});

// And: so the fix is seen.
test('a name a batch failed goes back to a batch at its time, even once its file is gone', async () => {
  const root = tempDir('intake');
  const top: WalkedDir = {
    source: { name: 'd', path: root, keySegment: '' },
    place: { fs: root, text: root, rel: '', rawRel: undefined },
    ancestors: new Set(),
  };
  const intake = new Intake(
    realTimers,
    Date.now,
    () => ({ partialSuffixes: [...DEFAULT_PARTIAL_SUFFIXES], exclude: [], stableAfterMs: 0 }),
    () => undefined,
    (t) => (t === root ? top : undefined),
  );
  fs.symlinkSync(path.join(root, 'missing-target'), path.join(root, 'broken'));
  intake.heard(top, Buffer.from('broken'));
  await waitFor('the broken link to be ready (a failure to report)', () => intake.readyCount === 1);
  const failed = intake.takeReady(10);
  fs.rmSync(path.join(root, 'broken')); // the person removes the link
  intake.requeue(failed, Date.now() + 50);
  await waitFor('the announced retry', () => intake.readyCount === 1);
  assert.equal(
    intake.takeReady(10).map((p) => p.path),
    [path.join(root, 'broken')],
  );
  intake.close();
});

test('small: below the part size, looked up once; a name gone since counts as small', () => {
  const dir = tempDir('small');
  const name = (file: string) => ({ path: path.join(dir, file) }) as PendingName;
  writeFile(dir, 'a.jpg', 'x'.repeat(10));
  writeFile(dir, 'big.mp4', 'x'.repeat(100));
  const a = name('a.jpg');
  assert.ok(isSmall(a, 50));
  assert.not.ok(isSmall(name('big.mp4'), 50));
  assert.ok(isSmall(name('gone.jpg'), 50));
  fs.writeFileSync(path.join(dir, 'a.jpg'), 'x'.repeat(100));
  assert.ok(isSmall(a, 50), 'the size seen first is kept');
});

test.run();
