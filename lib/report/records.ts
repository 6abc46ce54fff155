// The run records: one JSON line per run in <log dir>/telegram_sync_runs.jsonl, appended. What
// test-sync reads to find the last successful sync and the objects recent runs uploaded.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import { buildSummary, failedRunSummary, type RunSummary, type SummaryInput } from './summary.ts';

export const RUN_RECORDS_FILE = 'telegram_sync_runs.jsonl';

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

// "20261123T030000-a1b2c3": sortable, unique enough, safe in file names.
export function newRunId(at: Date): string {
  return `${at.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${crypto.randomBytes(3).toString('hex')}`;
}

export interface ReportDeps {
  readonly gate: Gate;
  readonly log: Logger;
  readonly logDir: string;
  // Whether this run's record is appended (watch mode folds retries that end as the try before).
  readonly keepRecord?: (summary: RunSummary) => boolean;
}

// Stage 6 as a run calls it: the summary built from every stage, appended as the run record
// (through the dry-run gate) and logged.
export async function reportStage(input: SummaryInput, deps: ReportDeps): Promise<RunSummary> {
  const summary = buildSummary(input);
  if (deps.keepRecord?.(summary) !== false)
    await deps.gate.run('append the run record', {}, () => appendRunRecord(deps.logDir, summary));
  const { status, scanned, complete, uploaded, deduplicated, adopted, conflicts, failed, skipped } = summary;
  const { bytesUploaded, durationMs, throughputBytesPerSec } = summary;
  deps.log.write({
    kind: 'run.summary',
    ...{ status, scanned, complete, new: summary.new, uploaded, deduplicated, adopted, conflicts, failed, skipped },
    ...{ bytesUploaded, durationMs, throughputBytesPerSec },
  });
  return summary;
}

// The record of a run that stopped with an error before it could summarise its stages.
export function recordFailedRun(logDir: string, run: Parameters<typeof failedRunSummary>[0]): void {
  appendRunRecord(logDir, failedRunSummary(run));
}
