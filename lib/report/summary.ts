// Stage 6, report: the run summary, built from what each stage returned. It is what the run
// record stores, what --json prints and what decides the exit code (./exit.ts).
import type { PlanItem } from '../sync/plan/types.ts';
import { processingFailed, type ProcessingReport } from '../sync/process/processing.ts';
import { FAILED_SKIPS } from '../sync/scan/scan.ts';
import type { ScanResult } from '../sync/scan/types.ts';
import type { TransferResult } from '../sync/transfer/types.ts';

export type RunStatus = 'ok' | 'partial' | 'unreachable' | 'processing-failed' | 'error' | 'interrupted' | 'state-disk';

export interface UploadedObject {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

export interface RunProblem {
  readonly path: string;
  readonly kind: string;
  readonly detail: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly status: RunStatus;
  readonly scanned: number;
  readonly complete: number;
  readonly new: number;
  readonly uploaded: number;
  readonly wouldUpload: number;
  readonly deduplicated: number;
  // Already in the bucket; of those, `metadataAdded` held the bytes without our sha256 (added by a copy onto itself).
  readonly adopted: number;
  readonly metadataAdded: number;
  // Copied on the server from another key (a changed key, the old system's object); keys removed
  // after the copy (--prune-old-keys).
  readonly copied: number;
  readonly keysPruned: number;
  // A dry run's migration report: what the run would do, and the bytes it would send.
  readonly wouldCopy: number;
  readonly wouldAdopt: number;
  readonly bytesToSend: number;
  readonly conflicts: number;
  readonly failed: number;
  readonly notAttempted: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly bytesUploaded: number;
  readonly throughputBytesPerSec: number;
  // The objects uploaded (the first MAX_LISTED_OBJECTS; a first run of 100,000 files would make
  // every run record megabytes long), and how many more there were.
  readonly uploadedObjects: readonly UploadedObject[];
  readonly uploadedObjectsOmitted?: number;
  readonly problems: readonly RunProblem[];
  readonly processing?: ProcessingReport;
  readonly error?: string;
  // Where the run wrote: endpoint, bucket and prefix (no credentials), e.g. http://127.0.0.1:9000/telegram.
  readonly destination?: string;
}

export const MAX_LISTED_OBJECTS = 1000;

export interface SummaryInput {
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly scan: ScanResult;
  readonly plan: readonly PlanItem[];
  readonly transfer: TransferResult;
  readonly processing?: ProcessingReport;
  // The signal that stopped a one-shot run before it was done.
  readonly interrupted?: string;
  readonly destination?: string;
}

// Counts kept while the stages' results are read.
class Tally {
  readonly skipped: Record<string, number> = {};
  readonly problems: RunProblem[] = [];
  readonly uploadedObjects: UploadedObject[] = [];
  conflicts = 0;
  failed = 0;
  bytesUploaded = 0;
  bytesToSend = 0;
  keysPruned = 0;
  skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }
  problem(path: string, kind: string, detail: string): void {
    this.problems.push({ path, kind, detail });
  }
}

function readScan(t: Tally, scan: ScanResult): void {
  if (scan.settled) t.skipped.unchanged = (t.skipped.unchanged ?? 0) + scan.settled;
  for (const s of scan.skipped) {
    t.skip(s.reason);
    if (!FAILED_SKIPS.has(s.reason)) continue;
    t.failed++;
    t.problem(s.path, s.reason, s.detail ?? '');
  }
}

function readPlan(t: Tally, plan: readonly PlanItem[]): void {
  for (const item of plan) {
    if (item.action === 'conflict') {
      t.conflicts++;
      t.problem(item.file.absPath, 'conflict', `maps to ${item.key} like ${item.with.join(', ')}`);
    }
    if (item.action === 'invalid') {
      t.failed++;
      t.problem(item.file.absPath, 'invalid-key', item.problem);
    }
  }
}

function readTransfer(t: Tally, transfer: TransferResult): void {
  for (const o of transfer.outcomes) {
    if (o.status === 'uploaded') {
      t.uploadedObjects.push({ key: o.item.key, size: o.bytes, sha256: o.sha256 });
      t.bytesUploaded += o.bytes;
    }
    if (o.status === 'unchanged') t.skip('unchanged-content');
    if (o.status === 'would-upload') t.bytesToSend += o.item.file.size;
    if (o.status === 'copied' && o.pruned) t.keysPruned++;
    if (o.status === 'conflict') {
      t.conflicts++;
      t.problem(o.item.file.absPath, 'conflict', o.detail);
    }
    if (o.status === 'failed') {
      t.failed++;
      t.problem(o.item.file.absPath, 'failed', o.error);
    }
  }
}

function statusOf(input: SummaryInput, t: Tally): RunStatus {
  if (input.transfer.stateDisk) return 'state-disk';
  if (input.transfer.unreachable) return 'unreachable';
  if (input.interrupted) return 'interrupted';
  if (t.failed > 0 || t.conflicts > 0) return 'partial';
  return processingFailed(input.processing) ? 'processing-failed' : 'ok';
}

export function buildSummary(input: SummaryInput): RunSummary {
  const t = new Tally();
  readScan(t, input.scan);
  readPlan(t, input.plan);
  readTransfer(t, input.transfer);
  const count = (status: string) => input.transfer.outcomes.filter((o) => o.status === status).length;
  const durationMs = input.finishedAt.getTime() - input.startedAt.getTime();
  return {
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs,
    dryRun: input.dryRun,
    force: input.force,
    status: statusOf(input, t),
    scanned: input.scan.files.length + (input.scan.settled ?? 0) + input.scan.skipped.length,
    complete: input.scan.files.length + (input.scan.settled ?? 0),
    new: input.plan.filter((i) => i.action === 'transfer').length,
    uploaded: t.uploadedObjects.length,
    wouldUpload: count('would-upload'),
    deduplicated: count('deduplicated'),
    adopted: count('adopted') + count('claimed'),
    metadataAdded: count('claimed'),
    copied: count('copied'),
    keysPruned: t.keysPruned,
    wouldCopy: count('would-copy'),
    // A dry run's adoptions: proven as they are (listed ETag, our sha256), or claimed (our sha256 added).
    wouldAdopt: count('would-claim') + (input.dryRun ? count('adopted') : 0),
    bytesToSend: t.bytesToSend,
    conflicts: t.conflicts,
    failed: t.failed,
    notAttempted: count('not-attempted'),
    skipped: t.skipped,
    bytesUploaded: t.bytesUploaded,
    throughputBytesPerSec: durationMs > 0 ? Math.round((t.bytesUploaded * 1000) / durationMs) : 0,
    uploadedObjects: t.uploadedObjects.slice(0, MAX_LISTED_OBJECTS),
    ...(t.uploadedObjects.length > MAX_LISTED_OBJECTS
      ? { uploadedObjectsOmitted: t.uploadedObjects.length - MAX_LISTED_OBJECTS }
      : {}),
    problems: t.problems,
    ...(input.processing ? { processing: input.processing } : {}),
    ...errorOf(input),
    ...(input.destination ? { destination: input.destination } : {}),
  };
}

// What stopped the stage, in the summary's words.
function errorOf(input: SummaryInput): { error?: string } {
  const { stateDisk, unreachable } = input.transfer;
  if (stateDisk) return { error: stateDisk.message };
  if (unreachable) return { error: unreachable.message };
  if (input.interrupted) return { error: `stopped by ${input.interrupted}` };
  return {};
}

// The record of a run that stopped with an error before it could summarise its stages.
export function failedRunSummary(o: {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  force: boolean;
  error: string;
  // 'interrupted' for a run a signal ended before it could summarise itself.
  status?: 'error' | 'interrupted';
  destination?: string;
}): RunSummary {
  return {
    runId: o.runId,
    startedAt: o.startedAt.toISOString(),
    finishedAt: o.finishedAt.toISOString(),
    durationMs: o.finishedAt.getTime() - o.startedAt.getTime(),
    dryRun: false,
    force: o.force,
    status: o.status ?? 'error',
    scanned: 0,
    complete: 0,
    new: 0,
    uploaded: 0,
    wouldUpload: 0,
    deduplicated: 0,
    adopted: 0,
    metadataAdded: 0,
    copied: 0,
    keysPruned: 0,
    wouldCopy: 0,
    wouldAdopt: 0,
    bytesToSend: 0,
    conflicts: 0,
    failed: 0,
    notAttempted: 0,
    skipped: {},
    bytesUploaded: 0,
    throughputBytesPerSec: 0,
    uploadedObjects: [],
    problems: [],
    error: o.error,
    ...(o.destination ? { destination: o.destination } : {}),
  };
}
