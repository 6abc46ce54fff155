// Containers: their state, starting one and waiting until it runs (and is healthy), and
// `docker exec` with streamed output and a timeout.
import { sleep as realSleep, systemNow, type Now, type Sleep } from '../clock.ts';
import { ContainerStartError } from '../errors.ts';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import { DAEMON_DOWN, dockerFailure, type DockerRunner, type OutputLine } from './runner.ts';

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

export async function inspectContainer(run: DockerRunner, name: string): Promise<ContainerState> {
  const r = await run(['inspect', '--type', 'container', '--format', '{{json .State}}', name]);
  if (r.exitCode !== 0) throw dockerFailure(`inspect container "${name}"`, r, name);
  const st = JSON.parse(r.stdout.trim()) as {
    Status: string;
    Running: boolean;
    ExitCode: number;
    Health?: { Status: string };
  };
  return {
    name,
    status: st.Status,
    running: st.Running,
    exitCode: st.ExitCode,
    ...(st.Health ? { health: st.Health.Status } : {}),
  };
}

export interface EnsureOptions {
  readonly run: DockerRunner;
  readonly gate: Gate;
  readonly log: Logger;
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly now?: Now;
  readonly sleep?: Sleep;
}

const isReady = (s: ContainerState) => s.running && (s.health === undefined || s.health === 'healthy');

// Make sure a container runs (and is healthy, when it has a health check): start it if it is
// stopped, then wait within the timeout. Returns whether it had to be started.
export async function ensureContainerRunning(
  name: string,
  o: EnsureOptions,
): Promise<{ started: boolean; state: ContainerState }> {
  const state = await inspectContainer(o.run, name);
  if (isReady(state)) return { started: false, state };
  let started = false;
  if (!state.running) {
    o.log.write({ kind: 'docker.start', container: name, status: state.status });
    const done = await o.gate.run(`start container ${name}`, { container: name }, async () => {
      const r = await o.run(['start', name]);
      if (r.exitCode !== 0)
        throw new ContainerStartError(`container "${name}" will not start: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return true;
    });
    if (!done) return { started: false, state };
    started = true;
  }
  const ready = await waitUntilReady(name, started, o);
  o.log.write({ kind: 'docker.ready', container: name, started, healthy: ready.health !== undefined });
  return { started, state: ready };
}

async function waitUntilReady(name: string, started: boolean, o: EnsureOptions): Promise<ContainerState> {
  const now = o.now ?? systemNow;
  const sleep = o.sleep ?? realSleep;
  const deadline = now().getTime() + o.timeoutMs;
  for (;;) {
    const state = await inspectContainer(o.run, name);
    if (isReady(state)) return state;
    if (!state.running && started && state.status !== 'restarting' && state.status !== 'created') {
      const logs = await o.run(['logs', '--tail', '20', name]);
      const how = `status ${state.status}, exit ${state.exitCode}`;
      const output = (logs.stdout + logs.stderr).trim();
      throw new ContainerStartError(
        `container "${name}" stopped right after starting (${how}); last output:\n${output}`,
      );
    }
    if (now().getTime() >= deadline) {
      const not = state.running ? 'healthy' : 'running';
      const status = `status ${state.status}${state.health ? `, health ${state.health}` : ''}`;
      const after = `${Math.round(o.timeoutMs / 1000)} s`;
      throw new ContainerStartError(`container "${name}" is not ${not} after ${after} (${status})`);
    }
    await sleep(o.pollMs ?? 250);
  }
}

// `docker exec <container> <argv...>`, output streamed line by line, killed after timeoutMs; with
// `input`, `docker exec -i` and the text on the command's standard input.
export async function execInContainer(
  run: DockerRunner,
  container: string,
  argv: readonly string[],
  options: { timeoutMs: number; onLine?: OutputLine; now?: Now; input?: string },
): Promise<ExecResult & { stdout: string; stderr: string }> {
  const now = options.now ?? systemNow;
  const started = now().getTime();
  const interactive = options.input !== undefined ? ['-i'] : [];
  const r = await run(['exec', ...interactive, container, ...argv], {
    timeoutMs: options.timeoutMs,
    ...(options.onLine ? { onLine: options.onLine } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  // Failures of docker itself (not of the command it ran) become docker errors.
  if (
    r.code === 'ENOENT' ||
    (r.exitCode !== 0 && (DAEMON_DOWN.test(r.stderr) || /No such container|is not running/i.test(r.stderr)))
  ) {
    throw dockerFailure(`run ${argv.join(' ')} in ${container}`, r, container);
  }
  return {
    exitCode: r.exitCode ?? -1,
    timedOut: r.timedOut ?? false,
    durationMs: now().getTime() - started,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}
