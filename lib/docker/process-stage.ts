// The Docker side of a run: before a sync, make sure the containers run; after the uploads
// (stage 5), run the Django command with `docker exec` (only when something was uploaded,
// unless told otherwise). The contract it fulfils is in lib/sync/process/processing.ts.
import type { Config } from '../config/types.ts';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import { clearOwed, owedFileFor, readOwed } from '../sync/process/owed.ts';
import type { ProcessingReport, ProcessStage } from '../sync/process/processing.ts';
import type { DockerRunner } from './runner.ts';
import { ensureContainerRunning, execInContainer, type ExecResult } from './containers.ts';

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
      await ensureContainerRunning(name, {
        run: d.run,
        gate: d.gate,
        log: d.log,
        timeoutMs: d.config.docker.startTimeoutMs,
      });
    }
  };
}

// Why processing does not run this time, or undefined when it should.
function reasonNotToRun(mode: ProcessMode, container: string, uploaded: number, owed: boolean): string | undefined {
  if (mode === 'never') return '--no-process';
  if (!container) return 'DJANGO_CONTAINER is not set';
  if (mode === 'auto' && uploaded === 0 && !owed) return 'nothing new was uploaded (--process-always runs it anyway)';
  return undefined;
}

export function createProcessStage(d: DockerStageDeps & { mode: ProcessMode }): ProcessStage {
  const { config, log } = d;
  return async (uploaded: number): Promise<ProcessingReport> => {
    const container = config.docker.djangoContainer;
    const owedFile = owedFileFor(config);
    const owed = readOwed(owedFile);
    const notNow = reasonNotToRun(d.mode, container, uploaded, owed.any);
    if (notNow) return { ran: false, reason: notNow };
    await ensureContainerRunning(container, { run: d.run, gate: d.gate, log, timeoutMs: config.docker.startTimeoutMs });
    const command = config.docker.processCommand.join(' ');
    log.write({ kind: 'process.start', container, command });
    const result = await d.gate.run(`docker exec ${container} ${command}`, { container }, () =>
      execInContainer(d.run, container, config.docker.processCommand, {
        timeoutMs: config.docker.processTimeoutMs,
        // The keys it owes, one per line, for a command that processes exactly those.
        input: owed.keys.map((k) => `${k}\n`).join(''),
        onLine: (line, stream) => log.write({ kind: 'process.output', container, stream, line }),
      }),
    );
    if (!result) return { ran: false, reason: 'dry run' };
    const report = reportOf(
      d,
      result,
      d.mode === 'always'
        ? 'asked to always process'
        : uploaded
          ? `${uploaded} new object(s)`
          : `owed by an earlier run (${owed.keys.length} object(s))`,
    );
    if (report.exitCode === 0)
      await d.gate.run('clear the processing owed', { file: owedFile }, () => clearOwed(owedFile));
    return report;
  };
}

function reportOf(d: DockerStageDeps, result: ExecResult, reason: string): ProcessingReport {
  const { config, log } = d;
  const container = config.docker.djangoContainer;
  const command = config.docker.processCommand.join(' ');
  const error = result.timedOut
    ? `timed out after ${Math.round(config.docker.processTimeoutMs / 1000)} s and was killed`
    : result.exitCode !== 0
      ? `exited with ${result.exitCode}`
      : undefined;
  if (error) log.write({ kind: 'process.failed', container, command, error });
  else log.write({ kind: 'process.done', container, command, durationMs: result.durationMs });
  return {
    ran: true,
    reason,
    exitCode: result.timedOut ? -1 : result.exitCode,
    durationMs: result.durationMs,
    ...(error ? { error: `${command} ${error}` } : {}),
  };
}
