// The pipeline health checks behind scripts/test-sync.ts: MinIO, the database (read through
// Django inside its container), and the schedule (from the run records).
import type { Config } from './config.ts';
import { execInContainer, type DockerRunner } from './docker.ts';
import { describeError } from './errors.ts';
import type { RunSummary, UploadedObject } from './report.ts';
import type { Storage } from './storage.ts';

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

const hoursText = (ms: number) => `${+(ms / 3_600_000).toFixed(1)} h`;
const listNames = (keys: readonly string[]) => keys.slice(0, 10).join(', ') + (keys.length > 10 ? ` … (+${keys.length - 10} more)` : '');

// MinIO: objects under the prefix changed within the window; every object of the run is there
// with the right size and sha256 (checked with a stat per key, not trusted from a listing).
export async function checkStorage(storage: Storage, prefix: string, run: readonly UploadedObject[], windowMs: number, now: Date): Promise<CheckResult> {
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
      else if (st.size !== u.size || st.sha256 !== u.sha256) bad.push(`${u.key} (bucket has ${st.size} bytes, sha256 ${st.sha256 ?? 'none'}; expected ${u.size}, ${u.sha256})`);
    }
    const where = prefix ? `under "${prefix}"` : 'in the bucket';
    const detail = `${recent} of ${total} object(s) ${where} changed in the last ${hoursText(windowMs)}; ${run.length - bad.length}/${run.length} uploaded by this and recent runs present with matching size and sha256${bad.length ? `; wrong or missing: ${listNames(bad)}` : ''}`;
    return { name: 'minio', status: bad.length ? 'fail' : 'pass', detail, ...(bad.length ? { missing: bad } : {}), figures: { recent, total, runObjects: run.length, bad: bad.length } };
  } catch (e) {
    return { name: 'minio', status: 'fail', detail: `cannot read the bucket: ${describeError(e)}` };
  }
}

// The Python run by `manage.py shell -c`: parameters travel base64-encoded JSON, never spliced in.
export function databaseQueryCode(params: { model: string; key: string; time: string; sinceSeconds: number; keys: readonly string[] }): string {
  const b64 = Buffer.from(JSON.stringify(params)).toString('base64');
  return [
    'import base64, datetime, json',
    'from django.apps import apps',
    'from django.db import connection',
    'from django.utils import timezone',
    `p = json.loads(base64.b64decode("${b64}").decode())`,
    'since = timezone.now() - datetime.timedelta(seconds=p["sinceSeconds"])',
    'if "." in p["model"]:',
    '    M = apps.get_model(p["model"])',
    '    recent = [[str(k), t.isoformat() if t else None] for k, t in M.objects.filter(**{p["time"] + "__gte": since}).values_list(p["key"], p["time"])]',
    '    present = [str(k) for k in M.objects.filter(**{p["key"] + "__in": p["keys"]}).values_list(p["key"], flat=True)] if p["keys"] else []',
    'else:',
    '    q = connection.ops.quote_name',
    '    with connection.cursor() as c:',
    '        c.execute("SELECT %s, %s FROM %s WHERE %s >= %%s" % (q(p["key"]), q(p["time"]), q(p["model"]), q(p["time"])), [since])',
    '        recent = [[str(k), t.isoformat() if t else None] for k, t in c.fetchall()]',
    '        present = []',
    '        if p["keys"]:',
    '            c.execute("SELECT %s FROM %s WHERE %s = ANY(%%s)" % (q(p["key"]), q(p["model"]), q(p["key"])), [list(p["keys"])])',
    '            present = [str(r[0]) for r in c.fetchall()]',
    'print("TGSYNC_JSON " + json.dumps({"recent": recent, "present": present}))',
  ].join('\n');
}

// The database: rows processed within the window, and a row for every object of the run.
export async function checkDatabase(config: Config, run: DockerRunner, keys: readonly string[], windowMs: number): Promise<CheckResult> {
  const { model, keyField, timeField } = config.health;
  const container = config.docker.djangoContainer;
  if (!model || !container) return { name: 'database', status: 'skip', detail: `not configured (set ${!container ? 'DJANGO_CONTAINER' : 'HEALTH_MODEL'})` };
  const code = databaseQueryCode({ model, key: keyField, time: timeField, sinceSeconds: Math.round(windowMs / 1000), keys });
  try {
    const r = await execInContainer(run, container, ['python', 'manage.py', 'shell', '-c', code], { timeoutMs: config.docker.processTimeoutMs });
    const line = r.stdout.split('\n').find((l) => l.startsWith('TGSYNC_JSON '));
    if (r.exitCode !== 0 || !line) {
      return { name: 'database', status: 'fail', detail: `reading ${model} through Django in ${container} failed (exit ${r.exitCode}): ${(r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 300)}` };
    }
    const data = JSON.parse(line.slice('TGSYNC_JSON '.length)) as { recent: [string, string | null][]; present: string[] };
    const present = new Set(data.present);
    const missing = keys.filter((k) => !present.has(k));
    const detail = `${data.recent.length} row(s) of ${model} processed in the last ${hoursText(windowMs)}; ${keys.length - missing.length}/${keys.length} uploaded object(s) have their row${missing.length ? `; missing: ${listNames(missing)}` : ''}`;
    return { name: 'database', status: missing.length ? 'fail' : 'pass', detail, ...(missing.length ? { missing } : {}), figures: { recent: data.recent.length, runObjects: keys.length, missing: missing.length } };
  } catch (e) {
    return { name: 'database', status: 'fail', detail: describeError(e) };
  }
}

// The schedule: the last successful (non-dry) sync finished recently enough.
export function checkSchedule(records: readonly RunSummary[], maxAgeMs: number, now: Date): CheckResult {
  const last = [...records].reverse().find((r) => r.status === 'ok' && !r.dryRun);
  if (!last) return { name: 'schedule', status: 'fail', detail: 'no successful sync on record (is the cron job installed? npx zx scripts/install-cron.ts --print)' };
  const age = now.getTime() - new Date(last.finishedAt).getTime();
  const ok = age <= maxAgeMs;
  return {
    name: 'schedule',
    status: ok ? 'pass' : 'fail',
    detail: `last successful sync finished ${last.finishedAt} (${hoursText(age)} ago; limit ${hoursText(maxAgeMs)})${ok ? '' : ': the nightly job seems to have stopped'}`,
    figures: { ageMs: age, maxAgeMs },
  };
}

export function formatHealth(report: HealthReport): string {
  const lines = report.checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(report.healthy ? `pipeline HEALTHY: ${report.checks.filter((c) => c.status === 'pass').length} check(s) passed` : `pipeline UNHEALTHY: ${failed} of ${report.checks.length} check(s) failed`);
  return lines.join('\n');
}
