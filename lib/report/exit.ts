// How a run ends: the error (and so the exit code, from the one table in lib/errors.ts) that a
// summary stands for, or none for a clean run.
import {
  InterruptedError,
  PartialFailureError,
  ProcessingError,
  StateDiskError,
  StorageUnreachableError,
  type SyncError,
} from '../errors.ts';
import type { RunSummary } from './summary.ts';

export function errorForSummary(summary: RunSummary): SyncError | undefined {
  switch (summary.status) {
    case 'ok':
      return undefined;
    case 'unreachable':
      return new StorageUnreachableError(
        `${summary.error ?? 'storage unreachable'}; ` +
          `${summary.notAttempted} file(s) not attempted, nothing was recorded for them`,
      );
    case 'partial':
      return new PartialFailureError(
        `${summary.failed} file(s) failed and ${summary.conflicts} conflict(s); they will be tried again next run`,
      );
    case 'processing-failed':
      return new ProcessingError(
        `processing failed (${summary.processing?.error ?? `exit ${summary.processing?.exitCode}`}); ` +
          'uploads are recorded, rerun with --process-only',
      );
    case 'interrupted':
      return new InterruptedError(
        `${summary.error ?? 'stopped by a signal'}; what finished is recorded, ` +
          `${summary.notAttempted} file(s) not attempted (the next run sends them)`,
      );
    case 'state-disk':
      return new StateDiskError(`${summary.error}; what is in the bucket but not recorded is adopted next run`);
    case 'error':
      // runSync records such a run and throws its error itself; this branch only keeps the switch total.
      return new PartialFailureError(summary.error ?? 'run failed');
  }
}
