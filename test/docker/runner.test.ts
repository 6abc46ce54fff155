// lib/docker/runner.ts: the runner and how docker CLI failures are named; the real engine is
// exercised in test/e2e/stack.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDockerRunner, dockerFailure } from '../../lib/docker/runner.ts';
import { ContainerMissingError, DockerDaemonUnreachableError, DockerError, EXIT_CODES } from '../../lib/errors.ts';

test('docker CLI messages become distinct errors that name the cause', () => {
  const daemon = dockerFailure('inspect', {
    exitCode: 1,
    stdout: '',
    stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  });
  assert.instance(daemon, DockerDaemonUnreachableError);
  assert.match(daemon.message, /Docker daemon is unreachable.*unix:\/\/\/var\/run\/docker\.sock/);
  assert.match(daemon.message, /to run without the Docker stages, set SYNC_CONTAINERS= and DJANGO_CONTAINER= empty$/);
  const missing = dockerFailure(
    'inspect',
    { exitCode: 1, stdout: '', stderr: 'Error: No such object: django' },
    'django',
  );
  assert.instance(missing, ContainerMissingError);
  assert.match(missing.message, /container "django" does not exist/);
  assert.instance(dockerFailure('x', { exitCode: 125, stdout: '', stderr: 'something else' }), DockerError);
  assert.is(missing.exitCode, EXIT_CODES.docker);
});

test('the runner streams output line by line', async () => {
  const lines: string[] = [];
  const run = createDockerRunner('/bin/sh');
  const r = await run(['-c', 'printf "one\\ntwo\\n"; printf "err\\n" >&2; exit 3'], {
    onLine: (l, s) => lines.push(`${s}:${l}`),
  });
  assert.is(r.exitCode, 3);
  assert.equal(lines.sort(), ['stderr:err', 'stdout:one', 'stdout:two']);
});

test('non-ASCII output stays whole where a character falls across a chunk boundary', async () => {
  const lines: string[] = [];
  const run = createDockerRunner(process.execPath);
  const r = await run(['-e', "process.stdout.write('x' + 'ж'.repeat(200000) + '\\nпоследняя строка\\n')"], {
    onLine: (l) => lines.push(l),
  });
  assert.is(r.exitCode, 0);
  assert.is(lines.length, 2);
  assert.ok(
    lines[0] === 'x' + 'ж'.repeat(200000),
    `first line intact (length ${lines[0]?.length}, replacement chars ${(lines[0]?.match(/\uFFFD/g) ?? []).length})`,
  );
  assert.is(lines[1], 'последняя строка');
});

test.run();
