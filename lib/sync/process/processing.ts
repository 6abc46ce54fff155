// Stage 5, process: the contract between the sync and whatever processes its uploads (the
// Django command run by lib/docker/process-stage.ts). The sync calls the stage with the number
// of objects it uploaded and records the report in the run record.
import type { Config } from '../../config/types.ts';
import { describeError } from '../../errors.ts';
import type { Gate } from '../../gate.ts';
import { takeConfiguredLock, type TakeLock } from '../../lock/lock.ts';
import type { Logger } from '../../log/logger.ts';
import type { TransferResult } from '../transfer/types.ts';

export interface ProcessingReport {
  readonly ran: boolean;
  readonly reason: string;
  readonly exitCode?: number;
  readonly durationMs?: number;
  readonly error?: string;
}

export type ProcessStage = (uploaded: number) => Promise<ProcessingReport>;

export const skipProcessing: ProcessStage = async () => ({ ran: false, reason: 'no processing configured' });

// Whether a report means the processing failed (ran and exited non-zero, or could not run).
export function processingFailed(report: ProcessingReport | undefined): boolean {
  return report?.error !== undefined || (report?.ran === true && report.exitCode !== 0);
}

// Stage 5 as a run calls it. A stage that throws (e.g. the django container is missing) must not
// hide the uploads: the run is still summarised and recorded, then its error ends the run.
export async function processStage(
  transfer: TransferResult,
  process: ProcessStage = skipProcessing,
): Promise<{ processing: ProcessingReport; error?: unknown }> {
  if (transfer.unreachable) return { processing: { ran: false, reason: 'storage unreachable' } };
  if (transfer.stateDisk) return { processing: { ran: false, reason: 'the state disk is full' } };
  const uploaded = transfer.outcomes.filter((o) => o.status === 'uploaded').length;
  try {
    return { processing: await process(uploaded) };
  } catch (e) {
    return { processing: { ran: false, reason: 'could not run', error: describeError(e) }, error: e };
  }
}

export interface ProcessOnlyDeps {
  readonly log: Logger;
  readonly gate: Gate;
  readonly lock?: TakeLock;
  readonly prepare?: () => Promise<void>;
  readonly process: ProcessStage;
}

// Only the process stage (for --process-only), under the same lock as a sync.
export async function runProcessingOnly(config: Config, deps: ProcessOnlyDeps): Promise<ProcessingReport> {
  const lock = deps.gate.dryRun ? undefined : await takeConfiguredLock(config, deps.log, deps.lock);
  try {
    await deps.prepare?.();
    const report = await deps.process(0);
    const exitCode = report.exitCode !== undefined ? { exitCode: report.exitCode } : {};
    deps.log.write({ kind: 'run.process-only', ran: report.ran, reason: report.reason, ...exitCode });
    return report;
  } finally {
    lock?.release();
  }
}
