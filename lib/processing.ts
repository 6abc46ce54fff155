// Stage 5, process: make sure the containers run before a sync, and after the uploads run the
// Django command with `docker exec` (only when something was uploaded, unless told otherwise).
import type { Config } from './config.ts';
import { ensureContainerRunning, execInContainer, type DockerRunner } from './docker.ts';
import type { Gate } from './gate.ts';
import type { Logger } from './log.ts';
import type { ProcessingReport } from './report.ts';
import type { ProcessStage } from './sync.ts';

export type ProcessMode = 'auto' | 'always' | 'never';

export interface DockerStageDeps {
  readonly config: Config;
  readonly run: DockerRunner;
  readonly gate: Gate;
  readonly log: Logger;
}

// Before a sync: every container in SYNC_CONTAINERS runs (started and waited for if needed).
export function createEnsureContainersStage(d: DockerStageDeps): () => Promise<void> {
  return async () => {
    for (const name of d.config.docker.ensureContainers) {
      await ensureContainerRunning(name, { run: d.run, gate: d.gate, log: d.log, timeoutMs: d.config.docker.startTimeoutMs });
    }
  };
}

export function createProcessStage(d: DockerStageDeps & { mode: ProcessMode }): ProcessStage {
  const { config, log } = d;
  return async (uploaded: number): Promise<ProcessingReport> => {
    const container = config.docker.djangoContainer;
    if (d.mode === 'never') return { ran: false, reason: '--no-process' };
    if (!container) return { ran: false, reason: 'DJANGO_CONTAINER is not set' };
    if (d.mode === 'auto' && uploaded === 0) return { ran: false, reason: 'nothing new was uploaded (--process-always runs it anyway)' };
    await ensureContainerRunning(container, { run: d.run, gate: d.gate, log, timeoutMs: config.docker.startTimeoutMs });
    const argv = config.docker.processCommand;
    const reason = d.mode === 'always' ? 'asked to always process' : `${uploaded} new object(s)`;
    log.info('process.start', `docker exec ${container} ${argv.join(' ')}`, { container });
    const result = await d.gate.run(`docker exec ${container} ${argv.join(' ')}`, { container }, () =>
      execInContainer(d.run, container, argv, {
        timeoutMs: config.docker.processTimeoutMs,
        onLine: (line, stream) => (stream === 'stderr' ? log.warn : log.info)('process.output', line, { container, stream }),
      }),
    );
    if (!result) return { ran: false, reason: 'dry run' };
    const error = result.timedOut
      ? `timed out after ${Math.round(config.docker.processTimeoutMs / 1000)} s and was killed`
      : result.exitCode !== 0
        ? `exited with ${result.exitCode}`
        : undefined;
    const report: ProcessingReport = { ran: true, reason, exitCode: result.timedOut ? -1 : result.exitCode, durationMs: result.durationMs, ...(error ? { error: `${argv.join(' ')} ${error}` } : {}) };
    if (error) log.error('process.failed', `${argv.join(' ')} in ${container} ${error}; the uploads stay recorded, rerun with --process-only`, { container });
    else log.info('process.done', `${argv.join(' ')} finished in ${(result.durationMs / 1000).toFixed(1)} s`, { container });
    return report;
  };
}
