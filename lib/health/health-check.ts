// test-sync: optionally run a sync (as its own process, as cron would), then check the bucket,
// the database and the schedule; healthy only when no check fails.
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { createDockerRunnerFor } from '../docker/runner.ts';
import { readRunRecords } from '../report/records.ts';
import type { RunSummary } from '../report/summary.ts';
import { createStorage } from '../storage/client.ts';
import { checkSchedule, checkStorage, uploadedWithin, type CheckResult, type HealthReport } from './checks.ts';
import { checkDatabase } from './database.ts';

export interface HealthOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly configFile?: string;
  // Run scripts/sync.ts first (the "sync" check); otherwise check the last recorded run.
  readonly sync: boolean;
  // Let the sync's own log lines through to stderr.
  readonly showSyncOutput: boolean;
  readonly now?: () => Date;
}

// The "sync" check: the sync as the cron line runs it, as a child process; its summary, if any.
async function runSyncCheck(o: HealthOptions): Promise<{ check: CheckResult; run?: RunSummary }> {
  const args = [
    path.join(PROJECT_ROOT, 'scripts/launch.mjs'),
    'sync',
    '--json',
    ...(o.configFile ? ['--config', o.configFile] : []),
  ];
  const r = await execa(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: o.env,
    reject: false,
    stderr: o.showSyncOutput ? 'inherit' : 'pipe',
  });
  let run: RunSummary | undefined;
  try {
    run = JSON.parse(String(r.stdout)) as RunSummary;
  } catch {
    run = undefined;
  }
  const processing = run?.processing?.ran ? `exit ${run.processing.exitCode}` : 'not run';
  const what = run
    ? `: ${run.uploaded} uploaded, ${run.failed} failed, processing ${processing} (run ${run.runId})`
    : '';
  return {
    check: {
      name: 'sync',
      status: r.exitCode === 0 ? 'pass' : 'fail',
      detail: `scripts/sync.ts exited ${r.exitCode}${what}`,
    },
    ...(run ? { run } : {}),
  };
}

export async function runHealthCheck(config: Config, o: HealthOptions): Promise<HealthReport> {
  const checks: CheckResult[] = [];
  let run: RunSummary | undefined;
  if (o.sync) {
    const synced = await runSyncCheck(o);
    checks.push(synced.check);
    run = synced.run;
  }
  const records = readRunRecords(config.logDir);
  run ??= [...records].reverse().find((r) => !r.dryRun && r.status !== 'error');
  const now = o.now?.() ?? new Date();
  const uploaded = uploadedWithin(records, run, now.getTime() - config.health.windowMs);
  const omitted = records
    .filter((r) => !r.dryRun && new Date(r.finishedAt).getTime() >= now.getTime() - config.health.windowMs)
    .reduce((n, r) => n + (r.uploadedObjectsOmitted ?? 0), 0);
  checks.push(
    await checkStorage(createStorage(config), config.storage.prefix, uploaded, config.health.windowMs, now, omitted),
  );
  checks.push(
    await checkDatabase(
      config,
      createDockerRunnerFor(config, o.env),
      uploaded.map((u) => u.key),
      config.health.windowMs,
    ),
  );
  checks.push(checkSchedule(records, config.health.maxAgeMs, now));
  return { healthy: checks.every((c) => c.status !== 'fail'), checks };
}
