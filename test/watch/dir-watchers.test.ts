import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WatchLimitError } from '../../lib/errors.ts';
import type { WalkedDir } from '../../lib/sync/scan/types.ts';
import { createDirWatchers, type WatchFn } from '../../lib/watch/dir-watchers.ts';
import { tempDir, waitFor } from '../support/env.ts';

const walked = (dir: string): WalkedDir => ({
  source: { name: 'd', path: dir, keySegment: '' },
  place: { fs: dir, text: dir, rel: '', rawRel: undefined },
  ancestors: new Set(),
});

test('real inotify: a create, a rename into place and a move in are each heard by name; sweep drops folders not seen again', async () => {
  const root = tempDir('watcher');
  const heard: string[] = [];
  const w = createDirWatchers(
    (_dir, name) => heard.push(name.toString()),
    () => {},
  );
  w.add(walked(root));
  w.add(walked(root));
  assert.is(w.size, 1);
  fs.writeFileSync(path.join(root, 'a.tmp'), 'x');
  fs.renameSync(path.join(root, 'a.tmp'), path.join(root, 'a.jpg'));
  const outside = tempDir('outside');
  fs.mkdirSync(path.join(outside, 'chat'));
  fs.renameSync(path.join(outside, 'chat'), path.join(root, 'chat'));
  await waitFor('the events', () => ['a.tmp', 'a.jpg', 'chat'].every((n) => heard.includes(n)));
  w.add(walked(path.join(root, 'chat')));
  assert.is(w.size, 2);
  w.mark();
  w.add(walked(root));
  assert.is(w.sweep(), 1);
  assert.equal([w.size, w.get(root)?.place.text], [1, root]);
  w.close();
  assert.is(w.size, 0);
});

test('the kernel refusing a watch (ENOSPC, EMFILE) is a WatchLimitError naming the sysctl to raise; a folder gone meanwhile is passed over', () => {
  // The refusal itself is produced for real by test/watch/signals.test.ts (a low fs.inotify.max_user_watches).
  const refuse =
    (code: string): WatchFn =>
    () => {
      throw Object.assign(new Error(code), { code });
    };
  for (const [code, sysctl] of [
    ['ENOSPC', 'fs.inotify.max_user_watches'],
    ['EMFILE', 'fs.inotify.max_user_instances'],
  ] as const) {
    const w = createDirWatchers(
      () => {},
      () => {},
      refuse(code),
    );
    assert.throws(
      () => w.add(walked('/x')),
      (e: unknown) => e instanceof WatchLimitError && e.message.includes(`sudo sysctl ${sysctl}=`) && e.exitCode === 10,
    );
  }
  const gone = createDirWatchers(
    () => {},
    () => {},
    refuse('ENOENT'),
  );
  gone.add(walked('/x'));
  assert.is(gone.size, 0);
});

test.run();
