// The Docker side, through the docker CLI with argument vectors (never a shell string):
// container state, starting and waiting, and `docker exec` with streamed output and a timeout.
// DOCKER_HOST, DOCKER_CONTEXT and the rest of the CLI's environment pass straight through.
import { execa } from 'execa';
import type { Config } from './config.ts';
import { ContainerMissingError, ContainerStartError, DockerCliMissingError, DockerDaemonUnreachableError, DockerError } from './errors.ts';
import type { Gate } from './gate.ts';
import type { Logger } from './log.ts';
import { sleep } from './retry.ts';

export interface ContainerState {
  readonly name: string;
  readonly status: string; // created | running | paused | restarting | removing | exited | dead
  readonly running: boolean;
  // undefined when the container has no health check.
  readonly health?: string;
  readonly exitCode: number;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export interface RunResult {
  readonly exitCode?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly code?: string;
  readonly timedOut?: boolean;
}

// How the docker CLI is run; tests and callers may pass another (e.g. a different binary).
export type DockerRunner = (args: readonly string[], options?: { timeoutMs?: number; onLine?: (line: string, stream: 'stdout' | 'stderr') => void }) => Promise<RunResult>;

export function createDockerRunner(binary = 'docker', env: NodeJS.ProcessEnv = process.env): DockerRunner {
  return async (args, options = {}) => {
    const child = execa(binary, [...args], { env, reject: false, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
    if (options.onLine) {
      const onLine = options.onLine;
      const split = (stream: 'stdout' | 'stderr') => {
        let buf = '';
        child[stream]?.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          for (const l of lines) onLine(l.replace(/\r$/, ''), stream);
        });
        child[stream]?.on('end', () => buf && onLine(buf, stream));
      };
      split('stdout');
      split('stderr');
    }
    const r = await child;
    return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), ...(r.code ? { code: r.code } : {}), timedOut: r.timedOut };
  };
}

// A runner whose docker CLI sees the configured DOCKER_HOST/DOCKER_CONTEXT over `env`.
export function createDockerRunnerFor(config: Pick<Config, 'docker'>, env: NodeJS.ProcessEnv = process.env): DockerRunner {
  return createDockerRunner('docker', { ...env, ...config.docker.cliEnv });
}

const DAEMON_DOWN = /Cannot connect to the Docker daemon|error during connect|Is the docker daemon running|connect: no such file or directory|connection refused/i;
const NO_SUCH = /No such (object|container)/i;

// Turn a failed docker CLI call into the error that names its cause.
export function dockerFailure(what: string, r: RunResult, container?: string): DockerError {
  if (r.code === 'ENOENT') return new DockerCliMissingError(`the docker CLI was not found on PATH (needed to ${what}); install docker.io or set PATH`);
  const detail = r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`;
  if (DAEMON_DOWN.test(detail)) return new DockerDaemonUnreachableError(`the Docker daemon is unreachable (needed to ${what}): ${detail}`);
  if (container && NO_SUCH.test(detail)) return new ContainerMissingError(`container "${container}" does not exist (needed to ${what}); create it or fix the container name in the config`);
  return new DockerError(`docker failed to ${what}: ${detail}`);
}

export async function inspectContainer(run: DockerRunner, name: string): Promise<ContainerState> {
  const r = await run(['inspect', '--type', 'container', '--format', '{{json .State}}', name]);
  if (r.exitCode !== 0) throw dockerFailure(`inspect container "${name}"`, r, name);
  const st = JSON.parse(r.stdout.trim()) as { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } };
  return { name, status: st.Status, running: st.Running, exitCode: st.ExitCode, ...(st.Health ? { health: st.Health.Status } : {}) };
}

export interface EnsureOptions {
  readonly run: DockerRunner;
  readonly gate: Gate;
  readonly log: Logger;
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly now?: () => number;
}

const isReady = (s: ContainerState) => s.running && (s.health === undefined || s.health === 'healthy');

// Make sure a container runs (and is healthy, when it has a health check): start it if it is
// stopped, then wait within the timeout. Returns whether it had to be started.
export async function ensureContainerRunning(name: string, o: EnsureOptions): Promise<{ started: boolean; state: ContainerState }> {
  const now = o.now ?? Date.now;
  let state = await inspectContainer(o.run, name);
  if (isReady(state)) return { started: false, state };
  let started = false;
  if (!state.running) {
    o.log.warn('docker.start', `container ${name} is ${state.status}; starting it`, { container: name });
    const done = await o.gate.run(`start container ${name}`, { container: name }, async () => {
      const r = await o.run(['start', name]);
      if (r.exitCode !== 0) throw new ContainerStartError(`container "${name}" will not start: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return true;
    });
    if (!done) return { started: false, state };
    started = true;
  }
  const deadline = now() + o.timeoutMs;
  for (;;) {
    state = await inspectContainer(o.run, name);
    if (isReady(state)) break;
    if (!state.running && started && state.status !== 'restarting' && state.status !== 'created') {
      const logs = await o.run(['logs', '--tail', '20', name]);
      throw new ContainerStartError(`container "${name}" stopped right after starting (status ${state.status}, exit ${state.exitCode}); last output:\n${(logs.stdout + logs.stderr).trim()}`);
    }
    if (now() >= deadline) {
      throw new ContainerStartError(`container "${name}" is not ${state.running ? 'healthy' : 'running'} after ${Math.round(o.timeoutMs / 1000)} s (status ${state.status}${state.health ? `, health ${state.health}` : ''})`);
    }
    await sleep(o.pollMs ?? 250);
  }
  o.log.info('docker.ready', `container ${name} is running${state.health ? ' and healthy' : ''}`, { container: name, started });
  return { started, state };
}

// `docker exec <container> <argv...>`, output streamed line by line, killed after timeoutMs.
export async function execInContainer(
  run: DockerRunner,
  container: string,
  argv: readonly string[],
  options: { timeoutMs: number; onLine?: (line: string, stream: 'stdout' | 'stderr') => void; now?: () => number },
): Promise<ExecResult & { stdout: string; stderr: string }> {
  const now = options.now ?? Date.now;
  const started = now();
  const r = await run(['exec', container, ...argv], { timeoutMs: options.timeoutMs, ...(options.onLine ? { onLine: options.onLine } : {}) });
  // Failures of docker itself (not of the command it ran) become docker errors.
  if (r.code === 'ENOENT' || (r.exitCode !== 0 && (DAEMON_DOWN.test(r.stderr) || /No such container|is not running/i.test(r.stderr)))) {
    throw dockerFailure(`run ${argv.join(' ')} in ${container}`, r, container);
  }
  return { exitCode: r.exitCode ?? -1, timedOut: r.timedOut ?? false, durationMs: now() - started, stdout: r.stdout, stderr: r.stderr };
}
