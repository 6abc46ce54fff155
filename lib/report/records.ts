// The run records: one JSON line per run in <log dir>/telegram_sync_runs.jsonl, appended. What
// test-sync reads to find the last successful sync and the objects recent runs uploaded.
import fs from 'node:fs';
import path from 'node:path';
import type { RunSummary } from './summary.ts';

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
