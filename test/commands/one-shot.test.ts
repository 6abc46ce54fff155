// A one-shot run stopped by a signal (issue 21, case 5), as a process on both servers: SIGTERM
// while uploads go on ends it "interrupted" (exit 13) with a run record, the lock released, and
// nothing recorded that is not in the bucket; an upload that hangs is abandoned after the grace.
// And the state disk full (case 6): a 64 KiB tmpfs, mounted in a namespace of the test's own.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { readRunRecords } from '../../lib/report/records.ts';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import { listBucket, PROJECT_ROOT, TSX_LOADER, waitFor, writeFile, type Sandbox } from '../support/env.ts';
import { startFaultProxy } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

eachServer('a one-shot run: signals, a full state disk', ({ it, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '0', SYNC_CONCURRENCY: '1', SYNC_CHECKERS: '1' });

  const start = (env: Record<string, string>) => {
    let out = '';
    const child = execa(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env, ...env },
      extendEnv: false,
      reject: false,
      all: true,
    });
    child.all?.on('data', (d: Buffer) => (out += d.toString()));
    return { child, out: () => out };
  };

  // Every object the cache records is in the bucket with the sha256 recorded.
  async function cacheHolds(): Promise<number> {
    const objects = new Map((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => [o.key, o.sha256]));
    const cache = HashCache.open(sb.env.SYNC_CACHE_FILE!);
    for (const e of cache.entries()) assert.is(objects.get(e.key), e.sha256, e.key);
    return cache.size;
  }

  // And: only what is in the bucket is recorded.
  it('SIGTERM mid-run: exit 13, "interrupted" on record, the lock let go', async () => {
    for (let i = 0; i < 300; i++)
      writeFile(sb.downloads, `f${String(i).padStart(3, '0')}.bin`, `content ${i} `.repeat(200));
    const run = start({});
    await waitFor('the first uploads', () => /upload\.done/.test(run.out()));
    run.child.kill('SIGTERM');
    const r = await run.child;
    assert.is(r.exitCode, EXIT_CODES.interrupted, r.all);
    assert.match(r.all, /SIGTERM: stopping; no new file is started/);
    const record = readRunRecords(sb.env.SYNC_LOG_DIR!).at(-1);
    assert.is(record?.status, 'interrupted');
    assert.ok((record?.notAttempted ?? 0) > 0, 'files were left for the next run');
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock was released');
    const recorded = await cacheHolds();
    const again = start({});
    assert.is((await again.child).exitCode, 0);
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 300);
    assert.ok(recorded < 300);
  });

  // And: recorded as interrupted.
  it('SIGTERM while an upload hangs: abandoned after SYNC_STOP_TIMEOUT_SECONDS, exit 13', async () => {
    writeFile(sb.downloads, 'a.txt', 'first');
    writeFile(sb.downloads, 'b.txt', 'hangs');
    const proxy = await startFaultProxy(server(), (line) => (/^PUT \/[^/ ]+\/b\.txt/.test(line) ? 'stall' : 'pass'));
    try {
      const run = start({
        MINIO_ENDPOINT: proxy.endpoint,
        SYNC_STOP_TIMEOUT_SECONDS: '1',
        SYNC_REQUEST_TIMEOUT_SECONDS: '60',
      });
      await waitFor('b.txt to be on its way', () => proxy.seen.some((s) => s.fault === 'stall'));
      run.child.kill('SIGTERM');
      const r = await run.child;
      assert.is(r.exitCode, EXIT_CODES.interrupted, r.all);
      assert.match(r.all, /stopped by SIGTERM; what was still in flight after 1 s was abandoned/);
      assert.is(readRunRecords(sb.env.SYNC_LOG_DIR!).at(-1)?.status, 'interrupted');
      assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock was released');
      await cacheHolds();
    } finally {
      await proxy.close();
    }
  });

  // And: no file that was written is called "failed"; the next run re-sends nothing.
  it('the state disk full: exit 14 naming the path, no temp file left', async () => {
    for (let i = 0; i < 1000; i++) writeFile(sb.downloads, `d/${String(i).padStart(4, '0')}.txt`, `file ${i}`);
    const state = path.dirname(sb.env.SYNC_CACHE_FILE!);
    fs.mkdirSync(state, { recursive: true });
    const node = `"${process.execPath}" --import ${TSX_LOADER} ${path.join(PROJECT_ROOT, 'scripts/sync.ts')}`;
    const script = [
      `mount -t tmpfs -o size=64k tmpfs "${state}"`,
      `${node} --json > "${sb.dir}/full.json" 2> "${sb.dir}/full.err"; echo $? > "${sb.dir}/full.code"`,
      `ls -a "${state}" > "${sb.dir}/full.ls"`,
      `mount -o remount,size=16m "${state}"`,
      `${node} --json > "${sb.dir}/after.json" 2> "${sb.dir}/after.err"; echo $? > "${sb.dir}/after.code"`,
    ].join('; ');
    const r = await execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env },
      extendEnv: false,
      reject: false,
      all: true,
    });
    const read = (n: string) => fs.readFileSync(path.join(sb.dir, n), 'utf8');
    assert.is(r.exitCode, 0, r.all);
    assert.is(read('full.code').trim(), String(EXIT_CODES.stateDisk), read('full.err'));
    const full = JSON.parse(read('full.json')) as {
      status: string;
      failed: number;
      error: string;
      notAttempted: number;
    };
    assert.equal([full.status, full.failed], ['state-disk', 0]);
    assert.match(full.error, new RegExp(`the disk holding ${state}/file_hashes\\.json\\.journal is full \\(ENOSPC\\)`));
    assert.not.ok(/upload\.failed/.test(read('full.err')), 'no object that was written is called failed');
    assert.not.ok(/\.tmp/.test(read('full.ls')), read('full.ls'));
    assert.is(read('after.code').trim(), '0', read('after.err'));
    const after = JSON.parse(read('after.json')) as { uploaded: number; adopted: number };
    assert.ok(full.notAttempted > 0 && after.adopted > 0, JSON.stringify({ full, after }));
    assert.is(after.uploaded, full.notAttempted, 'only what was never sent is sent: the rest is adopted or recorded');
    assert.is((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).length, 1000);
  });
});
