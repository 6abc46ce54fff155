// Stage 5, process: the contract between the sync and whatever processes its uploads (the
// Django command run by lib/docker/process-stage.ts). The sync calls the stage with the number
// of objects it uploaded and records the report in the run record.

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
