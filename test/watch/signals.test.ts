// `scripts/sync.ts --watch` as the service runs it: a real process, real signals, both servers.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import { readRunRecords } from '../../lib/report/records.ts';
import { collectGarbage } from '../../lib/watch/signals.ts';
import {
  listBucket,
  PROJECT_ROOT,
  readLogs,
  runScript,
  TSX_LOADER,
  waitFor,
  writeFile,
  type Sandbox,
} from '../support/env.ts';
import { startFaultProxy } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

eachServer('sync.ts --watch', ({ it, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '1' });
  const keys = async () => (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key).sort();
  const startWatch = (env: Record<string, string> = {}) =>
    execa(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--watch'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env, ...env },
      extendEnv: false,
      reject: false,
      all: true,
    });
  const logs = () => readLogs(sb.env.SYNC_LOG_DIR!);
  // Keys the logs say were uploaded more than once (a key is uploaded at most once, across restarts).
  const uploadedTwice = () => {
    const counts = new Map<string, number>();
    for (const m of logs().matchAll(/upload\.done: uploaded (\S+)/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    return {
      keys: [...counts].filter(([, n]) => n > 1).map(([k]) => k),
      total: [...counts.values()].reduce((a, b) => a + b, 0),
    };
  };

  it('flags that make no sense with --watch are refused, all named', async () => {
    const r = await runScript('sync.ts', ['--watch', '--force', '--dry-run'], sb.env);
    assert.is(r.exitCode, EXIT_CODES.config);
    assert.match(r.stderr, /--watch does not go with --force, --dry-run/);
  });

  it('SIGTERM: stops cleanly (exit 0, lock released, cache written); a second signal ends it at once', async () => {
    const child = startWatch();
    await waitFor('caught up', () => logs().includes('caught up'));
    writeFile(sb.downloads, 'chan/a.jpg', 'a');
    await waitFor('the object', async () => (await keys()).includes('chan/a.jpg'));
    child.kill('SIGTERM');
    const r = await child;
    assert.is(r.exitCode, 0, r.all);
    assert.match(logs(), /stopped \(SIGTERM\)/);
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!));
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 1);
  });

  // And: cleanly, its port and lock freed.
  it('started as the README shows it (npx zx): SIGTERM to npx stops the watch too', async () => {
    const npx = execa('npx', ['zx', 'scripts/sync.ts', '--watch'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...sb.env },
      extendEnv: false,
      reject: false,
      all: true,
    });
    await waitFor('caught up', () => logs().includes('caught up'));
    const watcher = execa('pgrep', ['-f', 'zx scripts/sync.ts --watch'], { reject: false });
    // This sandbox's watch only (its environment names this sandbox's log folder).
    const ours = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(sb.env.SYNC_LOG_DIR!);
      } catch {
        return false;
      }
    };
    const pids = (await watcher).stdout.split('\n').filter(Boolean).map(Number).filter(ours);
    assert.ok(pids.length > 0, 'the watch process is found');
    npx.kill('SIGTERM');
    const r = await npx;
    await waitFor('the watch gone', () => pids.every((pid) => !alive(pid)), 15_000);
    assert.match(logs(), /stopped \(SIGTERM\)/, r.all);
    assert.match(String(r.all), /is gone: stopping as on SIGTERM/);
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'lock released');
  });

  it('a batch that keeps failing is retried with one run record for the streak; the fix is recorded once', async () => {
    const child = startWatch({ SYNC_STABLE_SECONDS: '0' });
    try {
      await waitFor('caught up', () => logs().includes('caught up'));
      const before = readRunRecords(sb.env.SYNC_LOG_DIR!).length;
      // Two names for one key (spaces become underscores): a conflict, partial on every try.
      writeFile(sb.downloads, 'chan/a b.jpg', 'one');
      writeFile(sb.downloads, 'chan/a_b.jpg', 'two');
      await waitFor('two retries', () => (logs().match(/watch\.retry: 2 file\(s\)/g) ?? []).length >= 2, 30_000);
      const streak = readRunRecords(sb.env.SYNC_LOG_DIR!).slice(before);
      assert.equal(
        streak.map((r) => r.status),
        ['partial'],
        'one record for the failing tries',
      );
      fs.rmSync(path.join(sb.downloads, 'chan/a_b.jpg'));
      await waitFor('the fix', async () => (await keys()).includes('chan/a_b.jpg'), 30_000);
      await waitFor('its record', () => readRunRecords(sb.env.SYNC_LOG_DIR!).slice(before).length === 2, 10_000);
      assert.equal(
        readRunRecords(sb.env.SYNC_LOG_DIR!)
          .slice(before)
          .map((r) => r.status),
        ['partial', 'ok'],
      );
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  });

  it('small files written while a large file is going up are not held behind it (a second lane)', async () => {
    let stalled = 0;
    // The large file's first part is held until the request timeout cuts it (then retried).
    const proxy = await startFaultProxy(server(), (line) =>
      line.startsWith('PUT') && line.includes('big.bin') && stalled++ === 0 ? 'stall' : 'pass',
    );
    const child = startWatch({
      MINIO_ENDPOINT: proxy.endpoint,
      SYNC_PART_SIZE_MB: '5',
      SYNC_MEMORY_MB: '10',
      SYNC_REQUEST_TIMEOUT_SECONDS: '8',
    });
    try {
      await waitFor('caught up', () => logs().includes('caught up'));
      writeFile(sb.downloads, 'chan/big.bin', Buffer.alloc(12 * 1024 * 1024, 7));
      await waitFor('the large upload to hang', () => stalled > 0);
      for (let i = 0; i < 5; i++) writeFile(sb.downloads, `chan/small${i}.jpg`, `small ${i}`);
      const smalls = Array.from({ length: 5 }, (_, i) => `chan/small${i}.jpg`);
      let keysNow: string[] = [];
      const allSmall = async () => {
        keysNow = await keys();
        return smalls.every((k) => keysNow.includes(k));
      };
      await waitFor('the small files', allSmall, 30_000);
      assert.not.ok(keysNow.includes('chan/big.bin'), 'the small ones went up while the large one was held');
      await waitFor('the large file after its retry', async () => (await keys()).includes('chan/big.bin'), 60_000);
      const records = readRunRecords(sb.env.SYNC_LOG_DIR!);
      assert.ok(
        records.every((r) => r.status === 'ok'),
        JSON.stringify(records.map((r) => r.status)),
      );
    } finally {
      child.kill('SIGTERM');
      assert.is((await child).exitCode, 0);
      await proxy.close();
    }
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock is released');
    assert.is(uploadedTwice().keys.length, 0);
  });

  it('SIGTERM during an upload that does not finish: exit 0 within the stop bound, nothing recorded, the restart sends it', async () => {
    const proxy = await startFaultProxy(server(), (line) =>
      line.startsWith('PUT') && line.includes('big.bin') ? 'stall' : 'pass',
    );
    try {
      const child = startWatch({
        MINIO_ENDPOINT: proxy.endpoint,
        SYNC_STOP_TIMEOUT_SECONDS: '1',
        SYNC_REQUEST_TIMEOUT_SECONDS: '600',
      });
      await waitFor('caught up', () => logs().includes('caught up'));
      writeFile(sb.downloads, 'big.bin', Buffer.alloc(3 * 1024 * 1024, 7));
      await waitFor('the upload to hang', () =>
        proxy.seen.some((s) => s.line.startsWith('PUT') && s.line.includes('big.bin')),
      );
      child.kill('SIGTERM');
      const r = await child;
      assert.is(r.exitCode, 0, r.all);
      assert.match(logs(), /uploads in flight were abandoned, not recorded/);
      assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock is released');
      assert.is(
        HashCache.open(sb.env.SYNC_CACHE_FILE!).get(path.join(sb.downloads, 'big.bin')),
        undefined,
        'nothing recorded unverified',
      );
      assert.equal(await keys(), []);
    } finally {
      await proxy.close();
    }
    const again = startWatch();
    await waitFor('the restart to send it', async () => (await keys()).includes('big.bin'));
    again.kill('SIGINT');
    assert.is((await again).exitCode, 0);
    assert.ok(HashCache.open(sb.env.SYNC_CACHE_FILE!).get(path.join(sb.downloads, 'big.bin')));
  });

  it('too few inotify watches (a real ENOSPC from the kernel, in a user namespace of its own): exit 10 naming the sysctl', async () => {
    for (let i = 0; i < 40; i++) writeFile(sb.downloads, `chan${i}/f.txt`, `f${i}`);
    // The limit is per user namespace (Linux 5.11+): a namespace of its own lowers it for this process only.
    const script = 'echo 20 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"';
    const r = await execa(
      'unshare',
      [
        '--user',
        '--map-root-user',
        'sh',
        '-c',
        script,
        process.execPath,
        '--import',
        TSX_LOADER,
        path.join(PROJECT_ROOT, 'scripts/sync.ts'),
        '--watch',
      ],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env },
        extendEnv: false,
        reject: false,
        all: true,
        timeout: 120_000,
      },
    );
    assert.is(r.exitCode, EXIT_CODES.watch, r.all);
    assert.match(
      r.stderr,
      /the kernel's inotify limit is reached \(ENOSPC; fs\.inotify\.max_user_watches = \d+, \d+ folder\(s\) watched by this process; this user namespace allows only user\.max_inotify_watches = 20/,
    );
    assert.match(r.stderr, /sudo sysctl fs\.inotify\.max_user_watches=524288/);
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock is released');
  });

  it('an inotify queue overflow (a real one: a tiny fs.inotify.max_queued_events, the watcher stopped during a burst): the rescan finds what was dropped, all uploaded once', async () => {
    const sysctl = '/proc/sys/fs/inotify/max_queued_events';
    const saved = fs.readFileSync(sysctl, 'utf8').trim();
    let child: ReturnType<typeof startWatch>;
    // The queue's size is fixed when the process makes its inotify instance: restore the setting at once.
    fs.writeFileSync(sysctl, '8');
    try {
      child = startWatch({ SYNC_WATCH_RESCAN_MINUTES: '0.1' });
      await waitFor('caught up', () => logs().includes('caught up'));
    } finally {
      fs.writeFileSync(sysctl, saved);
    }
    // The folder first, watched before the stop: the burst's events then go to the tiny queue.
    fs.mkdirSync(path.join(sb.downloads, 'burst'));
    await new Promise((r) => setTimeout(r, 1500)); // heard, judged (0.2 s) and watched
    child.kill('SIGSTOP');
    for (let i = 0; i < 120; i++) writeFile(sb.downloads, `burst/f${i}.txt`, `burst ${i}`);
    child.kill('SIGCONT');
    await waitFor('120 objects', async () => (await keys()).length === 120);
    child.kill('SIGTERM');
    assert.is((await child).exitCode, 0);
    assert.match(logs(), /the rescan found \d+ file\(s\) the folder events had missed/);
    assert.equal(uploadedTwice(), { keys: [], total: 120 });
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 120);
  });

  it('kill -9 in the middle of a burst: the restart sends the rest, nothing twice, nothing lost', async () => {
    const first = startWatch();
    await waitFor('caught up', () => logs().includes('caught up'));
    for (let i = 0; i < 300; i++) writeFile(sb.downloads, `b${i % 3}/f${i}.bin`, `burst ${i} `.repeat(20_000));
    await waitFor('the first uploads', () => /upload\.done: uploaded b/.test(logs()));
    first.kill('SIGKILL');
    await first;
    const before = new Set(await keys());
    assert.ok(before.size < 300, `the kill came mid-burst (${before.size} of 300 already there)`);
    const second = startWatch();
    await waitFor('300 objects', async () => (await keys()).length === 300);
    second.kill('SIGTERM');
    assert.is((await second).exitCode, 0);
    const twice = uploadedTwice();
    assert.equal(twice.keys, [], 'no key uploaded twice');
    assert.ok(twice.total >= 300 - before.size && twice.total <= 300, `uploads logged: ${twice.total}`);
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 300);
  });
});

test('collectGarbage frees what a quiet process would keep (V8 collects only when a program allocates)', () => {
  let junk: unknown[] | undefined = Array.from({ length: 300_000 }, (_, i) => ({
    path: `/dl/chan/${i}.jpg`,
    sha: 'x'.repeat(64) + i,
  }));
  const before = process.memoryUsage().heapUsed;
  assert.ok(junk.length > 0);
  junk = undefined;
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  assert.ok(
    after < before - 20 * 2 ** 20,
    `heap used ${(before / 2 ** 20).toFixed(0)} MB before, ${(after / 2 ** 20).toFixed(0)} MB after`,
  );
});

test.run();
