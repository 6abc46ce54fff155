// `scripts/sync.ts --watch` as the service runs it: a real process, real signals, both servers.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { HashCache } from '../../lib/sync/cache.ts';
import { listBucket, PROJECT_ROOT, readLogs, runScript, TSX_LOADER, waitFor, writeFile, type Sandbox } from '../support/env.ts';
import { startFaultProxy } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

eachServer('sync.ts --watch', ({ it, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '1' });
  const keys = async () => (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key).sort();
  const startWatch = (env: Record<string, string> = {}) =>
    execa(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--watch'], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env, ...env }, extendEnv: false, reject: false, all: true });
  const logs = () => readLogs(sb.env.SYNC_LOG_DIR!);

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

  it('SIGTERM during an upload that does not finish: exit 0 within the stop bound, nothing recorded, the restart sends it', async () => {
    const proxy = await startFaultProxy(server(), (line) => (line.startsWith('PUT') && line.includes('big.bin') ? 'stall' : 'pass'));
    try {
      const child = startWatch({ MINIO_ENDPOINT: proxy.endpoint, SYNC_STOP_TIMEOUT_SECONDS: '1', SYNC_REQUEST_TIMEOUT_SECONDS: '600' });
      await waitFor('caught up', () => logs().includes('caught up'));
      writeFile(sb.downloads, 'big.bin', Buffer.alloc(3 * 1024 * 1024, 7));
      await waitFor('the upload to hang', () => proxy.seen.some((s) => s.line.startsWith('PUT') && s.line.includes('big.bin')));
      child.kill('SIGTERM');
      const r = await child;
      assert.is(r.exitCode, 0, r.all);
      assert.match(logs(), /uploads in flight were abandoned, not recorded/);
      assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock is released');
      assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).get(path.join(sb.downloads, 'big.bin')), undefined, 'nothing recorded unverified');
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
});
