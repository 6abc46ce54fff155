// Unit side of lib/docker.ts; the real engine is exercised in test/e2e/stack.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDockerRunner, dockerFailure, inspectContainer } from '../lib/docker.ts';
import { ContainerMissingError, DockerCliMissingError, DockerDaemonUnreachableError, DockerError, EXIT_CODES } from '../lib/errors.ts';

test('docker CLI messages become distinct errors that name the cause', () => {
  const daemon = dockerFailure('inspect', { exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
  assert.instance(daemon, DockerDaemonUnreachableError);
  assert.match(daemon.message, /Docker daemon is unreachable.*unix:\/\/\/var\/run\/docker\.sock/);
  const missing = dockerFailure('inspect', { exitCode: 1, stdout: '', stderr: 'Error: No such object: django' }, 'django');
  assert.instance(missing, ContainerMissingError);
  assert.match(missing.message, /container "django" does not exist/);
  assert.instance(dockerFailure('x', { exitCode: 125, stdout: '', stderr: 'something else' }), DockerError);
  assert.is(missing.exitCode, EXIT_CODES.docker);
});

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

test('the runner streams output line by line', async () => {
  const lines: string[] = [];
  const run = createDockerRunner('/bin/sh');
  const r = await run(['-c', 'printf "one\\ntwo\\n"; printf "err\\n" >&2; exit 3'], { onLine: (l, s) => lines.push(`${s}:${l}`) });
  assert.is(r.exitCode, 3);
  assert.equal(lines.sort(), ['stderr:err', 'stdout:one', 'stdout:two']);
});

test.run();
