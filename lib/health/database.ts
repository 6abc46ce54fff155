// test-sync's database check: rows read through Django inside its container (no credentials of
// its own needed), one row expected for every object recent runs uploaded.
import type { Config } from '../config/types.ts';
import type { DockerRunner } from '../docker/runner.ts';
import { execInContainer } from '../docker/containers.ts';
import { describeError } from '../errors.ts';
import { formatHours, listSome, phrase } from '../humanize.ts';
import type { CheckResult } from './checks.ts';

// The Python run by `manage.py shell -c`: parameters travel base64-encoded JSON, never spliced in.
export function databaseQueryCode(params: {
  model: string;
  key: string;
  time: string;
  sinceSeconds: number;
  keys: readonly string[];
}): string {
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
    '    rows = M.objects.filter(**{p["time"] + "__gte": since}).values_list(p["key"], p["time"])',
    '    recent = [[str(k), t.isoformat() if t else None] for k, t in rows]',
    '    held = M.objects.filter(**{p["key"] + "__in": p["keys"]}).values_list(p["key"], flat=True)',
    '    present = [str(k) for k in held] if p["keys"] else []',
    'else:',
    '    q = connection.ops.quote_name',
    '    with connection.cursor() as c:',
    '        key, time, table = q(p["key"]), q(p["time"]), q(p["model"])',
    '        c.execute("SELECT %s, %s FROM %s WHERE %s >= %%s" % (key, time, table, time), [since])',
    '        recent = [[str(k), t.isoformat() if t else None] for k, t in c.fetchall()]',
    '        present = []',
    '        if p["keys"]:',
    '            c.execute("SELECT %s FROM %s WHERE %s = ANY(%%s)" % (key, table, key), [list(p["keys"])])',
    '            present = [str(r[0]) for r in c.fetchall()]',
    'print("TGSYNC_JSON " + json.dumps({"recent": recent, "present": present}))',
  ].join('\n');
}

// The database: rows processed within the window, and a row for every object of the run.
export async function checkDatabase(
  config: Config,
  run: DockerRunner,
  keys: readonly string[],
  windowMs: number,
): Promise<CheckResult> {
  const { model, keyField, timeField } = config.health;
  const container = config.docker.djangoContainer;
  if (!model || !container)
    return {
      name: 'database',
      status: 'skip',
      detail: `not configured (set ${!container ? 'DJANGO_CONTAINER' : 'HEALTH_MODEL'})`,
    };
  const code = databaseQueryCode({
    model,
    key: keyField,
    time: timeField,
    sinceSeconds: Math.round(windowMs / 1000),
    keys,
  });
  try {
    const r = await execInContainer(run, container, ['python', 'manage.py', 'shell', '-c', code], {
      timeoutMs: config.docker.processTimeoutMs,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('TGSYNC_JSON '));
    if (r.exitCode !== 0 || !line) {
      return {
        name: 'database',
        status: 'fail',
        detail: phrase(
          `reading ${model} through Django in ${container} failed (exit ${r.exitCode}): `,
          (r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 300),
        ),
      };
    }
    const data = JSON.parse(line.slice('TGSYNC_JSON '.length)) as {
      recent: [string, string | null][];
      present: string[];
    };
    const present = new Set(data.present);
    const missing = keys.filter((k) => !present.has(k));
    const detail = phrase(
      `${data.recent.length} row(s) of ${model} processed in the last ${formatHours(windowMs)}; `,
      `${keys.length - missing.length}/${keys.length} uploaded object(s) have their row`,
      missing.length > 0 && `; missing: ${listSome(missing)}`,
    );
    return {
      name: 'database',
      status: missing.length ? 'fail' : 'pass',
      detail,
      ...(missing.length ? { missing } : {}),
      figures: { recent: data.recent.length, runObjects: keys.length, missing: missing.length },
    };
  } catch (e) {
    return { name: 'database', status: 'fail', detail: describeError(e) };
  }
}
