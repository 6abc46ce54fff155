// Stage 6, report: the run summary, its human and JSON forms, the run record, and the error
// (if any) that decides the exit code.
import fs from 'node:fs';
import path from 'node:path';
import { PartialFailureError, ProcessingError, StorageUnreachableError, type SyncError } from './errors.ts';
import type { PlanItem } from './plan.ts';
import type { ScanResult } from './scan.ts';
import type { TransferResult } from './transfer.ts';

export const RUN_RECORDS_FILE = 'telegram_sync_runs.jsonl';

export type RunStatus = 'ok' | 'partial' | 'unreachable' | 'processing-failed' | 'error';

export interface ProcessingReport {
  readonly ran: boolean;
  readonly reason: string;
  readonly exitCode?: number;
  readonly durationMs?: number;
  readonly error?: string;
}

export interface UploadedObject {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
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
  readonly adopted: number;
  readonly conflicts: number;
  readonly failed: number;
  readonly notAttempted: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly bytesUploaded: number;
  readonly throughputBytesPerSec: number;
  readonly uploadedObjects: readonly UploadedObject[];
  readonly problems: readonly { readonly path: string; readonly kind: string; readonly detail: string }[];
  readonly processing?: ProcessingReport;
  readonly error?: string;
}

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
}

export function buildSummary(input: SummaryInput): RunSummary {
  const skipped: Record<string, number> = {};
  const bump = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const problems: { path: string; kind: string; detail: string }[] = [];
  for (const s of input.scan.skipped) {
    bump(s.reason);
    if (['symlink-loop', 'unreadable', 'vanished'].includes(s.reason)) problems.push({ path: s.path, kind: s.reason, detail: s.detail ?? '' });
  }
  let conflicts = 0;
  for (const item of input.plan) {
    if (item.action === 'skip') bump(item.reason);
    if (item.action === 'conflict') {
      conflicts++;
      problems.push({ path: item.file.absPath, kind: 'conflict', detail: `maps to ${item.key} like ${item.with.join(', ')}` });
    }
    if (item.action === 'invalid') problems.push({ path: item.file.absPath, kind: 'invalid-key', detail: item.problem });
  }
  const count = (status: string) => input.transfer.outcomes.filter((o) => o.status === status).length;
  const uploadedObjects: UploadedObject[] = [];
  let bytesUploaded = 0;
  for (const o of input.transfer.outcomes) {
    if (o.status === 'uploaded') {
      uploadedObjects.push({ key: o.item.key, size: o.bytes, sha256: o.sha256 });
      bytesUploaded += o.bytes;
    }
    if (o.status === 'unchanged') bump('unchanged-content');
    if (o.status === 'conflict') {
      conflicts++;
      problems.push({ path: o.item.file.absPath, kind: 'conflict', detail: o.detail });
    }
    if (o.status === 'failed') problems.push({ path: o.item.file.absPath, kind: 'failed', detail: o.error });
  }
  const durationMs = input.finishedAt.getTime() - input.startedAt.getTime();
  const failed = count('failed') + input.plan.filter((i) => i.action === 'invalid').length;
  const notAttempted = count('not-attempted');
  const processingFailed = input.processing?.error !== undefined || (input.processing?.ran && input.processing.exitCode !== 0);
  const status: RunStatus = input.transfer.unreachable
    ? 'unreachable'
    : failed > 0 || conflicts > 0
      ? 'partial'
      : processingFailed
        ? 'processing-failed'
        : 'ok';
  return {
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs,
    dryRun: input.dryRun,
    force: input.force,
    status,
    scanned: input.scan.files.length + input.scan.skipped.length,
    complete: input.scan.files.length,
    new: input.plan.filter((i) => i.action === 'transfer').length,
    uploaded: uploadedObjects.length,
    wouldUpload: count('would-upload'),
    deduplicated: count('deduplicated'),
    adopted: count('adopted'),
    conflicts,
    failed,
    notAttempted,
    skipped,
    bytesUploaded,
    throughputBytesPerSec: durationMs > 0 ? Math.round((bytesUploaded * 1000) / durationMs) : 0,
    uploadedObjects,
    problems,
    ...(input.processing ? { processing: input.processing } : {}),
    ...(input.transfer.unreachable ? { error: input.transfer.unreachable.message } : {}),
  };
}

// The record of a run that stopped with an error before it could summarise its stages.
export function failedRunSummary(o: { runId: string; startedAt: Date; finishedAt: Date; force: boolean; error: string }): RunSummary {
  return {
    runId: o.runId, startedAt: o.startedAt.toISOString(), finishedAt: o.finishedAt.toISOString(), durationMs: o.finishedAt.getTime() - o.startedAt.getTime(),
    dryRun: false, force: o.force, status: 'error', scanned: 0, complete: 0, new: 0, uploaded: 0, wouldUpload: 0, deduplicated: 0, adopted: 0, conflicts: 0,
    failed: 0, notAttempted: 0, skipped: {}, bytesUploaded: 0, throughputBytesPerSec: 0, uploadedObjects: [], problems: [], error: o.error,
  };
}

// The error that decides how the run ends, or undefined for success.
export function errorForSummary(summary: RunSummary): SyncError | undefined {
  switch (summary.status) {
    case 'ok':
      return undefined;
    case 'unreachable':
      return new StorageUnreachableError(`${summary.error ?? 'storage unreachable'}; ${summary.notAttempted} file(s) not attempted, nothing was recorded for them`);
    case 'partial':
      return new PartialFailureError(`${summary.failed} file(s) failed and ${summary.conflicts} conflict(s); they will be tried again next run`);
    case 'processing-failed':
      return new ProcessingError(`processing failed (${summary.processing?.error ?? `exit ${summary.processing?.exitCode}`}); uploads are recorded, rerun with --process-only`);
    case 'error':
      return new PartialFailureError(summary.error ?? 'run failed');
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatSummary(s: RunSummary): string {
  const skipped = Object.entries(s.skipped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const lines = [
    `${s.dryRun ? '[dry-run] ' : ''}sync ${s.status}: ${s.scanned} scanned, ${s.complete} complete, ${s.new} new or changed`,
    `  ${s.dryRun ? `would upload ${s.wouldUpload}` : `uploaded ${s.uploaded} (${formatBytes(s.bytesUploaded)}, ${formatBytes(s.throughputBytesPerSec)}/s)`}, deduplicated ${s.deduplicated}, already in bucket ${s.adopted}, conflicts ${s.conflicts}, failed ${s.failed}${s.notAttempted ? `, not attempted ${s.notAttempted}` : ''}`,
    `  skipped: ${skipped}`,
    `  took ${(s.durationMs / 1000).toFixed(2)} s`,
  ];
  if (s.processing) lines.push(`  processing: ${s.processing.ran ? `ran, exit ${s.processing.exitCode ?? '?'}` : 'not run'} (${s.processing.reason})`);
  for (const p of s.problems.slice(0, 20)) lines.push(`  ${p.kind}: ${p.path}${p.detail ? ` (${p.detail})` : ''}`);
  if (s.problems.length > 20) lines.push(`  … and ${s.problems.length - 20} more problems (see the log)`);
  return lines.join('\n');
}

// One JSON line per run, appended: what test-sync reads to find the last successful sync.
export function appendRunRecord(logDir: string, summary: RunSummary): string {
  fs.mkdirSync(logDir, { recursive: true });
  const file = path.join(logDir, RUN_RECORDS_FILE);
  fs.appendFileSync(file, JSON.stringify(summary) + '\n');
  return file;
}

export function readRunRecords(logDir: string): RunSummary[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(logDir, RUN_RECORDS_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: RunSummary[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as RunSummary);
    } catch {
      // a line cut by a crash
    }
  }
  return out;
}

// Objects uploaded by `run` and by every other real run that finished since `sinceMs` (the
// latest upload of a key wins): what the health check expects in the bucket and the database.
export function uploadedWithin(records: readonly RunSummary[], run: RunSummary | undefined, sinceMs: number): UploadedObject[] {
  const byKey = new Map<string, UploadedObject>();
  const runs = records.filter((r) => !r.dryRun && new Date(r.finishedAt).getTime() >= sinceMs && r.runId !== run?.runId);
  for (const r of [...runs, ...(run ? [run] : [])]) for (const o of r.uploadedObjects ?? []) byKey.set(o.key, o);
  return [...byKey.values()];
}
