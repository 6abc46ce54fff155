// lib/watch/jobs.ts called directly, with real parts (the watch's own intake, folder watchers,
// scheduler and lock; a real S3 server): what a batch does when its run cannot go through, and
// when the failure is one only a person can mend; processing's outcome handed back.
import fs from 'node:fs';
import * as assert from 'uvu/assert';
import { takeConfiguredLock } from '../../lib/lock/lock.ts';
import { createRunSession } from '../../lib/watch/session.ts';
import type { Config } from '../../lib/config/types.ts';
import { StorageAuthError } from '../../lib/errors.ts';
import { createGate } from '../../lib/gate.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { createStorage } from '../../lib/storage/client.ts';
import { createProcessScheduler, realTimers } from '../../lib/watch/debounce.ts';
import { createDirWatchers } from '../../lib/watch/dir-watchers.ts';
import { Intake } from '../../lib/watch/intake.ts';
import { batchJob, processJob, rescanJob, type JobHost } from '../../lib/watch/jobs.ts';
import type { ProcessStage } from '../../lib/sync/process/processing.ts';
import { writeFile, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

function hostFor(config: Config, process?: ProcessStage) {
  const log = createMemoryLogger();
  const now = () => Date.now();
  const watchers = createDirWatchers(
    () => undefined,
    () => undefined,
  );
  const scanOptions = () => ({ partialSuffixes: config.partialSuffixes, exclude: config.exclude, stableAfterMs: 0 });
  const intake = new Intake(
    realTimers,
    now,
    scanOptions,
    () => undefined,
    (t) => watchers.get(t),
  );
  const scheduler = createProcessScheduler({ debounceMs: 60_000, minIntervalMs: 0, now, run: async () => true });
  let backoffs = 0;
  let recovered = 0;
  let failing = false;
  let proofDue = true;
  const host: JobHost = {
    config,
    deps: {
      storage: createStorage(config),
      log,
      gate: createGate({ dryRun: false, log }),
      ...(process ? { process } : {}),
    },
    intake,
    watchers,
    scheduler,
    now,
    stopping: () => false,
    session: createRunSession(() => takeConfiguredLock(config, log)),
    backoff: () => (backoffs++, (failing = true), 2000),
    recovered: () => void (recovered++, (failing = false)),
    retrying: () => failing,
    streak: {},
    proofDue: () => proofDue,
    proved: () => void (proofDue = false),
  };
  const close = () => {
    intake.close();
    watchers.close();
    scheduler.stop();
  };
  return { host, log, close, counts: () => ({ backoffs, recovered }) };
}

eachServer('watch jobs', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '0', SYNC_RETRIES: '0' });

  it('a batch that cannot reach the server is tried again after the backoff; one that goes through resets it', async () => {
    const down = hostFor(sb.config({ MINIO_ENDPOINT: 'http://127.0.0.1:9' }));
    await batchJob(down.host, []);
    assert.equal(down.counts(), { backoffs: 1, recovered: 0 });
    const retry = down.log.records.find((r) => r.kind === 'watch.retry');
    assert.match(String(retry?.msg), /^0 file\(s\): trying again in 2 s$/);
    down.close();
    const up = hostFor(sb.config());
    writeFile(sb.downloads, 'a.txt', 'a');
    await batchJob(up.host, []);
    assert.equal(up.counts(), { backoffs: 0, recovered: 1 });
    up.close();
  });

  it('refused credentials are fatal: the batch throws (the watch ends) instead of trying again', async () => {
    const refused = hostFor(sb.config({ MINIO_ACCESS_KEY: 'not-a-key' }));
    await batchJob(refused.host, []).then(
      () => assert.unreachable('a fatal error must end the watch'),
      (e: unknown) => assert.instance(e, StorageAuthError),
    );
    assert.equal(refused.counts(), { backoffs: 0, recovered: 0 });
    refused.close();
  });

  it('processing runs under the lock and hands back whether it succeeded; a stage that throws is retried later', async () => {
    const seen: boolean[] = [];
    const ok = hostFor(sb.config(), async (n) => {
      assert.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'the lock is held while it runs');
      return { ran: true, reason: `${n} new`, exitCode: 0 };
    });
    await processJob(ok.host, 3, (v) => seen.push(v));
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'and released after');
    const failing = hostFor(sb.config(), async () => {
      throw new Error('no such container: django');
    });
    await processJob(failing.host, 1, (v) => seen.push(v));
    assert.equal(seen, [true, false]);
    const retry = failing.log.records.find((r) => r.kind === 'watch.retry');
    assert.match(String(retry?.msg), /^processing \(no such container: django\): trying again in \d+ s$/);
    ok.close();
    failing.close();
  });

  // And: proved against a listing of the bucket.
  it('the first rescan proves the cache against the bucket, the next ones in the interval do not', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    const h = hostFor(sb.config());
    assert.ok(await rescanJob(h.host, 'start'));
    assert.ok(await rescanJob(h.host, 'periodic'));
    assert.is(h.log.records.filter((r) => r.kind === 'bucket.listed').length, 1, 'one listing, at the first rescan');
    h.close();
  });
});
