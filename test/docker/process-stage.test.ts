// The process stage's decisions that need no container; running it is in test/e2e/stack.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { createDockerRunner } from '../../lib/docker/runner.ts';
import { createGate } from '../../lib/gate.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { createProcessStage } from '../../lib/docker/process-stage.ts';
import { tempDir } from '../support/env.ts';

const dir = tempDir('proc');
const config = (extra: Record<string, string> = {}) =>
  loadConfig({
    env: {
      MINIO_ENDPOINT: 'http://127.0.0.1:9',
      MINIO_ACCESS_KEY: 'a',
      MINIO_SECRET_KEY: 'b',
      MINIO_BUCKET: 'bkt',
      SYNC_DOWNLOAD_DIRS: dir,
      DJANGO_CONTAINER: 'django',
      ...extra,
    },
    envFile: `${dir}/none`,
    root: dir,
  });
// A docker binary that cannot exist: any call would throw DockerCliMissingError.
const run = createDockerRunner('/nonexistent/docker');
const stage = (mode: 'auto' | 'always' | 'never', extra = {}) =>
  createProcessStage({
    config: config(extra),
    run,
    gate: createGate({ dryRun: false }),
    log: createMemoryLogger(),
    mode,
  });

test('processing runs only when something was uploaded, unless told otherwise', async () => {
  assert.equal(await stage('auto')(0), {
    ran: false,
    reason: 'nothing new was uploaded (--process-always runs it anyway)',
  });
  assert.equal(await stage('never')(5), { ran: false, reason: '--no-process' });
  assert.equal(await stage('auto', { DJANGO_CONTAINER: '' })(5), { ran: false, reason: 'DJANGO_CONTAINER is not set' });
  await stage('always')(0).then(
    () => assert.unreachable('should reach docker'),
    (e: Error) => assert.match(e.message, /docker CLI was not found/),
  );
});

test.run();
