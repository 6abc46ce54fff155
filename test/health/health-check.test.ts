// runHealthCheck without a sync run, against a real s3rver and run records on disk; with a
// sync run and the database through Django, it is exercised in test/e2e/stack.test.ts.
import crypto from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalS3Server } from '../../lib/dev/s3rver.ts';
import { runHealthCheck } from '../../lib/health/health-check.ts';
import { appendRunRecord } from '../../lib/report/records.ts';
import { createSandbox, startS3Server, syncOnce, tempDir, writeFile, type Sandbox } from '../support/env.ts';

const test = suite('health/run (real s3rver)');
let server: LocalS3Server;
let sb: Sandbox;
test.before(async () => {
  server = await startS3Server({ directory: tempDir('s3h') });
  sb = await createSandbox(server);
});
test.after(async () => {
  await sb.close();
  await server.close();
});

test('healthy after a real sync; an object gone from the bucket makes the minio check fail and name it', async () => {
  writeFile(sb.downloads, 'chan/a.txt', 'a');
  const config = sb.config();
  await syncOnce(config);
  const ok = await runHealthCheck(config, { env: {}, sync: false, showSyncOutput: false });
  assert.equal(
    ok.checks.map((c) => [c.name, c.status]),
    [
      ['minio', 'pass'],
      ['database', 'skip'],
      ['schedule', 'pass'],
    ],
  );
  assert.ok(ok.healthy);
  await sb.client().removeObject(config.storage.bucket, 'chan/a.txt');
  const bad = await runHealthCheck(config, { env: {}, sync: false, showSyncOutput: false });
  assert.not.ok(bad.healthy);
  assert.equal(bad.checks[0]?.missing, ['chan/a.txt (missing)']);
});

test('the schedule check fails while the last successful run is older than the limit, and passes after a sync', async () => {
  const config = sb.config({ SYNC_LOG_DIR: tempDir('hlogs'), HEALTH_MAX_AGE_HOURS: '1' });
  const old = new Date(Date.now() - 3 * 3_600_000);
  const { summary } = await syncOnce(sb.config());
  appendRunRecord(config.logDir, { ...summary, finishedAt: old.toISOString(), runId: `old-${crypto.randomUUID()}` });
  const stale = await runHealthCheck(config, { env: {}, sync: false, showSyncOutput: false });
  assert.is(stale.checks.find((c) => c.name === 'schedule')?.status, 'fail');
  assert.match(stale.checks.find((c) => c.name === 'schedule')!.detail, /3 h ago; limit 1 h/);
  await syncOnce(config);
  const fresh = await runHealthCheck(config, { env: {}, sync: false, showSyncOutput: false });
  assert.is(fresh.checks.find((c) => c.name === 'schedule')?.status, 'pass');
});

test.run();
