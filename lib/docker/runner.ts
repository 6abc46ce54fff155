// How the docker CLI is run: argument vectors through execa (never a shell string), output
// streamed line by line, and the CLI's failures turned into errors that name their cause.
// DOCKER_HOST, DOCKER_CONTEXT and the rest of the CLI's environment pass straight through.
import type { Config } from '../config/types.ts';
import { ContainerMissingError, DockerCliMissingError, DockerDaemonUnreachableError, DockerError } from '../errors.ts';

export interface RunResult {
  readonly exitCode?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly code?: string;
  readonly timedOut?: boolean;
}

export type OutputLine = (line: string, stream: 'stdout' | 'stderr') => void;

// How the docker CLI is run; tests and callers may pass another (e.g. a different binary).
export type DockerRunner = (
  args: readonly string[],
  options?: { timeoutMs?: number; onLine?: OutputLine; input?: string },
) => Promise<RunResult>;

export function createDockerRunner(binary = 'docker', env: NodeJS.ProcessEnv = process.env): DockerRunner {
  return async (args, options = {}) => {
    const { execa } = await import('execa'); // loaded when docker is first needed, not at start-up
    const child = execa(binary, [...args], {
      env,
      reject: false,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      // Given on standard input; a command that does not read it is not hurt (its end of the pipe
      // closing is not an error of ours).
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    });
    child.stdin?.on('error', () => undefined);
    if (options.onLine) {
      splitLines(child.stdout, 'stdout', options.onLine);
      splitLines(child.stderr, 'stderr', options.onLine);
    }
    const r = await child;
    return {
      exitCode: r.exitCode,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      ...(r.code ? { code: r.code } : {}),
      timedOut: r.timedOut,
    };
  };
}

// Lines of a stream, decoded as UTF-8 across chunk boundaries (a character split between two
// chunks stays whole: setEncoding decodes with a StringDecoder).
function splitLines(
  stream: NodeJS.ReadableStream | null | undefined,
  name: 'stdout' | 'stderr',
  onLine: OutputLine,
): void {
  let buf = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) onLine(l.replace(/\r$/, ''), name);
  });
  stream?.on('end', () => buf && onLine(buf, name));
}

// A runner whose docker CLI sees the configured DOCKER_HOST/DOCKER_CONTEXT over `env`.
export function createDockerRunnerFor(
  config: Pick<Config, 'docker'>,
  env: NodeJS.ProcessEnv = process.env,
): DockerRunner {
  return createDockerRunner('docker', { ...env, ...config.docker.cliEnv });
}

export const DAEMON_DOWN = new RegExp(
  [
    'Cannot connect to the Docker daemon',
    'error during connect',
    'Is the docker daemon running',
    'connect: no such file or directory',
    'connection refused',
  ].join('|'),
  'i',
);
const NO_SUCH = /No such (object|container)/i;
// What to do when Docker is not there: the stages that need it can be left out.
const WITHOUT_DOCKER = 'to run without the Docker stages, set SYNC_CONTAINERS= and DJANGO_CONTAINER= empty';

// Turn a failed docker CLI call into the error that names its cause.
export function dockerFailure(what: string, r: RunResult, container?: string): DockerError {
  if (r.code === 'ENOENT')
    return new DockerCliMissingError(
      `the docker CLI was not found on PATH (needed to ${what}); install docker.io or set PATH, or ${WITHOUT_DOCKER}`,
    );
  const detail = r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`;
  if (DAEMON_DOWN.test(detail))
    return new DockerDaemonUnreachableError(
      `the Docker daemon is unreachable (needed to ${what}): ${detail}; start it, or ${WITHOUT_DOCKER}`,
    );
  if (container && NO_SUCH.test(detail))
    return new ContainerMissingError(
      `container "${container}" does not exist (needed to ${what}); create it or fix the container name in the config`,
    );
  return new DockerError(`docker failed to ${what}: ${detail}`);
}
