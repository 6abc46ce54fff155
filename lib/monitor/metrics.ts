// Prometheus metrics (prom-client): the last run's figures as gauges, for node_exporter's
// textfile collector (SYNC_METRICS_FILE, written atomically) and for /metrics in watch mode,
// where counters also add up every batch since the process started.
import fs from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import type { RunSummary } from '../report/summary.ts';
import type { Outcome } from './outcome.ts';

const P = 'telegram_sync_';
const FILE_RESULTS = ['uploaded', 'deduplicated', 'adopted', 'copied', 'conflicts', 'failed', 'not_attempted'] as const;

// The figures of one run (or a run that could not start) as the gauges Prometheus scrapes.
export interface MetricsInput {
  readonly last: Outcome;
  // The last successful run's end (from the run records), if there was one.
  readonly lastSuccessAt?: string;
}

function gauge(r: Registry, name: string, help: string, labelNames: readonly string[] = []): Gauge<string> {
  return new Gauge({ name: P + name, help, labelNames: [...labelNames], registers: [r] });
}

function fileCounts(s: RunSummary | undefined): Record<(typeof FILE_RESULTS)[number], number> {
  return {
    uploaded: s?.uploaded ?? 0,
    deduplicated: s?.deduplicated ?? 0,
    adopted: s?.adopted ?? 0,
    copied: s?.copied ?? 0,
    conflicts: s?.conflicts ?? 0,
    failed: s?.failed ?? 0,
    not_attempted: s?.notAttempted ?? 0,
  };
}

export function lastRunRegistry(input: MetricsInput, r = new Registry()): Registry {
  const { last } = input;
  const s = last.summary;
  const seconds = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : 0);
  gauge(r, 'last_run_timestamp_seconds', 'When the last run (or health check) ended, Unix time.', ['source']).set(
    { source: last.source },
    seconds(last.at),
  );
  gauge(r, 'last_success_timestamp_seconds', 'When the last successful run ended, Unix time (0: none recorded).').set(
    seconds(input.lastSuccessAt),
  );
  gauge(r, 'last_run_success', '1 if the last run succeeded, else 0.').set(last.ok ? 1 : 0);
  gauge(r, 'last_run_exit_code', "Exit code of the last run (see the README's exit code table).").set(last.exitCode);
  gauge(r, 'last_run_duration_seconds', 'Duration of the last run.').set((s?.durationMs ?? 0) / 1000);
  const files = gauge(r, 'last_run_files', 'Files of the last run by result.', ['result']);
  for (const [result, n] of Object.entries(fileCounts(s))) files.set({ result }, n);
  gauge(r, 'last_run_uploaded_bytes', 'Bytes uploaded by the last run.').set(s?.bytesUploaded ?? 0);
  const skipped = gauge(r, 'last_run_skipped_files', 'Files the last run skipped, by reason.', ['reason']);
  for (const [reason, n] of Object.entries(s?.skipped ?? {})) skipped.set({ reason }, n);
  const p = s?.processing;
  gauge(r, 'last_processing_ran', '1 if the last run ran the processing command.').set(p?.ran ? 1 : 0);
  gauge(
    r,
    'last_processing_success',
    '1 if the last processing command exited 0 (0 when it failed or did not run).',
  ).set(p?.ran && p.exitCode === 0 && !p.error ? 1 : 0);
  gauge(r, 'last_processing_duration_seconds', 'Duration of the last processing command.').set(
    (p?.durationMs ?? 0) / 1000,
  );
  return r;
}

// Counters for a long-running watch: every batch since the process started.
export class WatchTotals {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: `${P}watch_runs_total`,
    help: 'Watch batches and rescans since start, by result.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly files = new Counter({
    name: `${P}watch_files_total`,
    help: 'Files since start, by result.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly bytes = new Counter({
    name: `${P}watch_uploaded_bytes_total`,
    help: 'Bytes uploaded since start.',
    registers: [this.registry],
  });

  add(o: Outcome): void {
    this.runs.inc({ result: o.ok ? 'ok' : 'failed' });
    for (const [result, n] of Object.entries(fileCounts(o.summary))) this.files.inc({ result }, n);
    this.bytes.inc(o.summary?.bytesUploaded ?? 0);
  }
}

// Write the text where node_exporter reads it: a temporary file, then a rename.
export function writeMetricsFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
