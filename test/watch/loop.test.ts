// Watch mode in this process, on both servers: real folder events (inotify through fs.watch), the
// real minio client, the real lock. The processing stage is a counter here (the Docker one is in
// the stack test).
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { createGate } from '../../lib/gate.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { createStorage } from '../../lib/storage/client.ts';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import { Watch } from '../../lib/watch/loop.ts';
import { listBucket, runScript, tempDir, waitFor, writeFile, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

eachServer('watch mode', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), {
    SYNC_STABLE_SECONDS: '1',
    PROCESS_DEBOUNCE_SECONDS: '1',
    PROCESS_MIN_INTERVAL_SECONDS: '0',
  });

  function start(extra: Record<string, string> = {}) {
    const config = sb.config(extra);
    const log = createMemoryLogger();
    const processed: number[] = [];
    const watch = new Watch(config, {
      storage: createStorage(config),
      log,
      gate: createGate({ dryRun: false, log }),
      process: async (count) => {
        processed.push(count);
        return { ran: true, reason: 'test', exitCode: 0 };
      },
    }).start();
    const kinds = (kind: string) => log.records.filter((r) => r.kind === kind);
    return {
      config,
      log,
      watch,
      processed,
      kinds,
      ready: () => waitFor('the watch to catch up', () => kinds('watch.ready').length > 0),
    };
  }
  const keys = async () => (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key).sort();

  it('a file written under .tmp then renamed: uploaded once under its final name, the partial never; a folder moved in is synced whole', async () => {
    writeFile(sb.downloads, 'before/old.txt', 'there before the start');
    const w = start();
    await w.ready();
    await waitFor('the file there before the start', async () => (await keys()).includes('before/old.txt'));
    writeFile(sb.downloads, 'chan/777_1_clip.mp4.tmp', 'x'.repeat(200_000));
    fs.renameSync(path.join(sb.downloads, 'chan/777_1_clip.mp4.tmp'), path.join(sb.downloads, 'chan/777_1_clip.mp4'));
    const outside = tempDir('elsewhere');
    writeFile(outside, 'My Chat/2024_06/5 - photo.jpg', 'moved');
    fs.renameSync(path.join(outside, 'My Chat'), path.join(sb.downloads, 'My Chat'));
    await waitFor('three objects', async () => (await keys()).length === 3);
    assert.equal(await keys(), ['My_Chat/2024_06/5_-_photo.jpg', 'before/old.txt', 'chan/777_1_clip.mp4']);
    await waitFor('processing', () => w.processed.length > 0);
    const end = await w.watch.stop('test');
    assert.equal([end.exitCode, end.abandoned], [0, false]);
    assert.equal(
      w
        .kinds('upload.done')
        .map((r) => r.key)
        .sort(),
      ['My_Chat/2024_06/5_-_photo.jpg', 'before/old.txt', 'chan/777_1_clip.mp4'],
    );
    assert.ok(
      w.log.records.every((r) => !String(r.key ?? '').endsWith('.tmp')),
      'the partial was never sent',
    );
    assert.is(HashCache.open(w.config.cacheFile).size, 3);
    assert.not.ok(fs.existsSync(w.config.lockFile), 'no lock held between batches or after the stop');
  });

  it('a burst of 500 files: every one uploaded once; processing runs once for the burst', async () => {
    const w = start({ PROCESS_DEBOUNCE_SECONDS: '3' });
    await w.ready();
    for (let i = 0; i < 500; i++) writeFile(sb.downloads, `burst/${i % 5}/f${i}.txt`, `file ${i}`);
    await waitFor('500 objects', async () => (await keys()).length === 500);
    await waitFor('processing', () => w.processed.length > 0);
    await w.watch.stop('test');
    const uploaded = w.kinds('upload.done').map((r) => r.key);
    assert.is(uploaded.length, 500);
    assert.is(new Set(uploaded).size, 500);
    assert.equal(w.processed, [500], 'one processing run for the whole burst');
  });

  it('a nightly run while the watch works: both finish, no file sent twice', async () => {
    const w = start();
    await w.ready();
    for (let i = 0; i < 200; i++) writeFile(sb.downloads, `n/${i}.bin`, `n${i}`.repeat(1000));
    await new Promise((r) => setTimeout(r, 1500));
    const nightly = await runScript('sync.ts', ['--json'], {
      ...sb.env,
      SYNC_LOCK_WAIT_SECONDS: '600',
      SYNC_STABLE_SECONDS: '0',
    });
    assert.is(nightly.exitCode, 0, nightly.all);
    await waitFor('200 objects', async () => (await keys()).length === 200);
    await w.watch.stop('test');
    const byWatch = w.kinds('upload.done').length;
    const byNightly = (JSON.parse(nightly.stdout) as { uploaded: number }).uploaded;
    assert.is(byWatch + byNightly, 200, `watch ${byWatch} + nightly ${byNightly}`);
  });

  it('a folder made, then filled before the watch judged it: its files are sent (they were not heard by name)', async () => {
    const w = start({ SYNC_STABLE_SECONDS: '0' }); // complete at once: found by the folder's walk, not by their own events
    await w.ready();
    fs.mkdirSync(path.join(sb.downloads, 'My Chat', '2024_06'), { recursive: true });
    await new Promise((r) => setTimeout(r, 60)); // inside the 0.2 s the watch lets a heard name settle
    writeFile(sb.downloads, 'My Chat/2024_06/1 - a.jpg', 'a');
    writeFile(sb.downloads, 'My Chat/2024_06/2 - b.jpg', 'b');
    await waitFor('two objects', async () => (await keys()).length === 2);
    const end = await w.watch.stop('test');
    assert.is(end.exitCode, 0, String(end.error));
    assert.equal(await keys(), ['My_Chat/2024_06/1_-_a.jpg', 'My_Chat/2024_06/2_-_b.jpg']);
  });
});
