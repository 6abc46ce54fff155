// test-sync's checks of the bucket and of the schedule, and how the report reads.
import { describeError } from '../errors.ts';
import { formatHours, listSome, phrase } from '../humanize.ts';
import { MAX_LISTED_OBJECTS, type RunSummary, type UploadedObject } from '../report/summary.ts';
import type { Storage } from '../storage/types.ts';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly missing?: readonly string[];
  readonly figures?: Readonly<Record<string, number | string>>;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly checks: readonly CheckResult[];
}

// MinIO: objects under the prefix changed within the window; every object of the run is there
// with the right size and sha256 (checked with a stat per key, not trusted from a listing).
export async function checkStorage(
  storage: Storage,
  prefix: string,
  run: readonly UploadedObject[],
  windowMs: number,
  now: Date,
  omitted = 0,
): Promise<CheckResult> {
  try {
    const since = now.getTime() - windowMs;
    let recent = 0;
    let total = 0;
    for await (const o of storage.list(prefix)) {
      total++;
      if (o.lastModified.getTime() >= since) recent++;
    }
    const bad: string[] = [];
    for (const u of run) {
      const st = await storage.stat(u.key);
      if (!st) bad.push(`${u.key} (missing)`);
      else if (st.size !== u.size || st.sha256 !== u.sha256)
        bad.push(
          `${u.key} (bucket has ${st.size} bytes, sha256 ${st.sha256 ?? 'none'}; expected ${u.size}, ${u.sha256})`,
        );
    }
    const where = prefix ? `under "${prefix}"` : 'in the bucket';
    const detail = phrase(
      `${recent} of ${total} object(s) ${where} changed in the last ${formatHours(windowMs)}; `,
      `${run.length - bad.length}/${run.length} uploaded by this and recent runs present with matching size and sha256`,
      omitted > 0 &&
        ` (run records list the first ${MAX_LISTED_OBJECTS} uploads of a run; ${omitted} more not checked)`,
      bad.length > 0 && `; wrong or missing: ${listSome(bad)}`,
    );
    return {
      name: 'minio',
      status: bad.length ? 'fail' : 'pass',
      detail,
      ...(bad.length ? { missing: bad } : {}),
      figures: { recent, total, runObjects: run.length, bad: bad.length },
    };
  } catch (e) {
    return { name: 'minio', status: 'fail', detail: `cannot read the bucket: ${describeError(e)}` };
  }
}

// The schedule: the last successful (non-dry) sync finished recently enough.
export function checkSchedule(records: readonly RunSummary[], maxAgeMs: number, now: Date): CheckResult {
  const last = [...records].reverse().find((r) => r.status === 'ok' && !r.dryRun);
  if (!last)
    return {
      name: 'schedule',
      status: 'fail',
      detail: 'no successful sync on record (is the cron job installed? npx zx scripts/install-cron.ts --print)',
    };
  const age = now.getTime() - new Date(last.finishedAt).getTime();
  const ok = age <= maxAgeMs;
  return {
    name: 'schedule',
    status: ok ? 'pass' : 'fail',
    detail: phrase(
      `last successful sync finished ${last.finishedAt} (${formatHours(age)} ago; limit ${formatHours(maxAgeMs)})`,
      !ok && ': the nightly job seems to have stopped',
    ),
    figures: { ageMs: age, maxAgeMs },
  };
}

// Objects uploaded by `run` and by every other real run that finished since `sinceMs` (the
// latest upload of a key wins): what the health check expects in the bucket and the database.
export function uploadedWithin(
  records: readonly RunSummary[],
  run: RunSummary | undefined,
  sinceMs: number,
): UploadedObject[] {
  const byKey = new Map<string, UploadedObject>();
  const runs = records.filter(
    (r) => !r.dryRun && new Date(r.finishedAt).getTime() >= sinceMs && r.runId !== run?.runId,
  );
  for (const r of [...runs, ...(run ? [run] : [])]) for (const o of r.uploadedObjects ?? []) byKey.set(o.key, o);
  return [...byKey.values()];
}

export function formatHealth(report: HealthReport): string {
  const lines = report.checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(
    report.healthy
      ? `pipeline HEALTHY: ${report.checks.filter((c) => c.status === 'pass').length} check(s) passed`
      : `pipeline UNHEALTHY: ${failed} of ${report.checks.length} check(s) failed`,
  );
  return lines.join('\n');
}
