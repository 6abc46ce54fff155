// What a run (the nightly sync, a watch batch) or a health check came to, in one shape: what the
// notifications, the metrics and the status page are made from.
import { describeError, EXIT_MEANINGS, exitCodeFor } from '../errors.ts';
import type { CheckResult, HealthReport } from '../health/checks.ts';
import type { RunSummary } from '../report/summary.ts';

export type OutcomeSource = 'sync' | 'watch' | 'test-sync';

export interface Outcome {
  readonly source: OutcomeSource;
  readonly at: string;
  readonly ok: boolean;
  readonly exitCode: number;
  // One line: what failed (or "ok").
  readonly headline: string;
  readonly summary?: RunSummary;
  readonly failedChecks?: readonly CheckResult[];
}

export function exitMeaning(code: number): string {
  return `exit ${code}: ${EXIT_MEANINGS[code] ?? 'unknown'}`;
}

// A run that ended with a summary (its exit code from the summary's status).
export function outcomeOfRun(source: OutcomeSource, summary: RunSummary, exitCode: number, error?: unknown): Outcome {
  const headline = exitCode === 0 ? `${summary.uploaded} uploaded` : failureHeadline(summary, error);
  return { source, at: summary.finishedAt, ok: exitCode === 0, exitCode, headline, summary };
}

// What went wrong, in one line: the error, else the summary's, else its first problem.
function failureHeadline(summary: RunSummary, error: unknown): string {
  if (error !== undefined) return describeError(error);
  if (summary.error !== undefined) return summary.error;
  const first = summary.problems[0];
  if (!first) return summary.processing?.error ?? summary.status;
  return `${summary.failed + summary.conflicts} file(s) not synced, e.g. ${first.path}: ${first.detail}`;
}

// A run that could not produce a summary (the lock held, the server down, bad credentials...).
export function outcomeOfError(source: OutcomeSource, error: unknown, at = new Date()): Outcome {
  return { source, at: at.toISOString(), ok: false, exitCode: exitCodeFor(error), headline: describeError(error) };
}

export function outcomeOfHealth(report: HealthReport, exitCode: number, at = new Date()): Outcome {
  const failed = report.checks.filter((c) => c.status === 'fail');
  const headline = failed.length
    ? failed.map((c) => `${c.name}: ${c.detail}`).join('; ')
    : `${report.checks.length} check(s) passed`;
  return { source: 'test-sync', at: at.toISOString(), ok: report.healthy, exitCode, headline, failedChecks: failed };
}
