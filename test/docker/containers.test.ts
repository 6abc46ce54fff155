// lib/docker/containers.ts without an engine; starting, waiting and exec against the real
// engine are in test/e2e/stack.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDockerRunner } from '../../lib/docker/runner.ts';
import { inspectContainer } from '../../lib/docker/containers.ts';
import { DockerCliMissingError } from '../../lib/errors.ts';

test('no docker CLI on PATH: a real spawn failure becomes DockerCliMissingError', async () => {
  const run = createDockerRunner('/nonexistent/bin/docker');
  try {
    await inspectContainer(run, 'minio');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DockerCliMissingError);
    assert.match((e as Error).message, /docker CLI was not found/);
  }
});

test.run();
