// The download folders before a scan, for real: a volume (a tmpfs, mounted in a user and mount
// namespace of the test's own) synced, then not mounted any more; a folder emptied while the
// cache holds its files; a folder gone. Exit codes, messages and run records as a user meets them.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { EXIT_CODES, SourceError } from '../../../lib/errors.ts';
import { readRunRecords } from '../../../lib/report/records.ts';
import { checkSources, readSourceStates, sourceStateFile } from '../../../lib/sync/scan/source-check.ts';
import { PROJECT_ROOT, runScript, tempDir, TSX_LOADER, writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';
import { test } from 'uvu';

test('a folder that is gone or unreadable is named, every one at once', () => {
  const dir = tempDir('srcchk');
  const here = { name: 'a', path: dir, keySegment: '' };
  const gone = { name: 'b', path: path.join(dir, 'gone'), keySegment: 'b/' };
  assert.throws(
    () => checkSources([here, gone, { ...gone, path: path.join(dir, 'also-gone') }], {}),
    (e: unknown) =>
      e instanceof SourceError && e.problems.length === 2 && /gone: the download folder is gone/.test(e.message),
  );
  const fine = checkSources([here], {});
  assert.equal([fine.states[dir], fine.empty.length, fine.unmounted.length], [{ mount: false }, 1, 0]);
});

test.run();

eachServer('download folders', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '0' });

  // And: recorded; SYNC_LOST_MOUNT=warn goes on.
  it('a volume that was mounted and is not now: exit 12 "is the volume mounted?"', async () => {
    // The first run sees the downloads folder as a mount point (a tmpfs in a namespace of its own).
    const script = `mount -t tmpfs tmpfs "$DL" && echo video > "$DL/a.mp4" && exec "$@"`;
    const node = [process.execPath, '--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts')];
    const mounted = await execa(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', ...node],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env, DL: sb.downloads },
        extendEnv: false,
        reject: false,
        all: true,
      },
    );
    assert.is(mounted.exitCode, 0, mounted.all);
    assert.equal(readSourceStates(sourceStateFile({ lockFile: sb.env.SYNC_LOCK_FILE! }))[sb.downloads], {
      mount: true,
    });
    // Now the volume is not mounted: the bare mount point is seen.
    const lost = await runScript('sync.ts', [], sb.env);
    assert.is(lost.exitCode, EXIT_CODES.source, lost.all);
    assert.match(lost.all, new RegExp(`${sb.downloads} was a mount point and is not now: is the volume mounted\\?`));
    assert.equal(readRunRecords(sb.env.SYNC_LOG_DIR!).at(-1)?.status, 'error');
    const warned = await runScript('sync.ts', [], { ...sb.env, SYNC_LOST_MOUNT: 'warn' });
    assert.is(warned.exitCode, 0, warned.all);
    assert.match(warned.all, /WARN  source\.unmounted/);
  });

  // And: SYNC_EMPTY_SOURCE=fail fails the run.
  it('a folder emptied while the cache holds its files: a warning naming it', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    writeFile(sb.downloads, 'b/c.txt', 'c');
    assert.is((await runScript('sync.ts', [], sb.env)).exitCode, 0);
    fs.rmSync(sb.downloads, { recursive: true });
    fs.mkdirSync(sb.downloads);
    const warned = await runScript('sync.ts', [], sb.env);
    assert.is(warned.exitCode, 0, warned.all);
    assert.match(
      warned.all,
      new RegExp(`${sb.downloads} is empty while the cache holds 2 of its files: is the volume mounted\\?`),
    );
    const failed = await runScript('sync.ts', [], { ...sb.env, SYNC_EMPTY_SOURCE: 'fail' });
    assert.is(failed.exitCode, EXIT_CODES.source, failed.all);
  });
});
