// What install-cron does: render our entry, show its next runs, and put it into (or take it out
// of) the user's crontab between our markers, confirming the result.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { ConfigFileFlag } from '../args.ts';
import { loadKeysForInstall, type ConfigOverrides } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import {
  createCrontabIO,
  hasBlock,
  loadTemplate,
  removeBlock,
  renderEntry,
  upsertBlock,
  type CrontabIO,
} from './crontab.ts';
import { cronHonoursCronTz, formatInZone, nextRuns, systemTimeZone } from './schedule.ts';

const SAFE_PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export interface CronTarget {
  // The project folder (the marker names it, so two checkouts keep two entries).
  readonly root: string;
  readonly crontab: CrontabIO;
  readonly out: NodeJS.WritableStream;
  readonly dryRun: boolean;
}

export function systemCrontab(): CrontabIO {
  return createCrontabIO((file, args, options) =>
    execa(file, args, {
      reject: false,
      stripFinalNewline: false,
      ...(options?.input !== undefined ? { input: options.input } : {}),
    }),
  );
}

// Remove our block, and only it; a table left empty is removed.
export async function uninstallEntry(t: CronTarget): Promise<void> {
  const current = await t.crontab.read();
  if (!hasBlock(current, t.root))
    return void t.out.write(`no telegram-sync entry for ${t.root} in the crontab; nothing to remove\n`);
  const next = removeBlock(current, t.root);
  if (t.dryRun) {
    t.out.write(`[dry-run] the crontab would become:\n${next || '(empty: the crontab would be removed)\n'}`);
  } else if (next === '') {
    await t.crontab.remove();
    t.out.write('removed the telegram-sync entry (the crontab is now empty and was removed)\n');
  } else {
    await t.crontab.write(next);
    t.out.write('removed the telegram-sync entry; the rest of the crontab is unchanged\n');
  }
}

export interface CronSettings {
  readonly cronSchedule: string;
  readonly cronTz: string;
  readonly logDir: string;
  // Set when the configuration is incomplete: the job will fail until it is fixed.
  readonly warning?: string;
}

// The schedule, zone and log folder for the entry (see loadKeysForInstall).
export function cronSettings(o: {
  env: NodeJS.ProcessEnv;
  root: string;
  configFile: ConfigFileFlag | undefined;
  overrides: ConfigOverrides;
  complete: boolean;
}): CronSettings {
  const { values: v, warning } = loadKeysForInstall(['CRON_SCHEDULE', 'CRON_TZ', 'SYNC_LOG_DIR'], o);
  return { cronSchedule: v.CRON_SCHEDULE, cronTz: v.CRON_TZ, logDir: v.SYNC_LOG_DIR, ...(warning ? { warning } : {}) };
}

export interface EntryOptions {
  readonly root: string;
  readonly settings: Pick<CronSettings, 'cronSchedule' | 'cronTz' | 'logDir'>;
  readonly configFile?: string;
}

// The rendered block (schedule and zone were validated with the configuration).
export function buildEntry(o: EntryOptions): string {
  return renderEntry(loadTemplate(o.root), {
    project: o.root,
    schedule: o.settings.cronSchedule,
    ...(o.settings.cronTz ? { tz: o.settings.cronTz } : {}),
    node: process.execPath,
    path: [...new Set([path.dirname(process.execPath), ...SAFE_PATH_DIRS])].join(':'),
    logFile: path.join(o.settings.logDir, 'cron.log'),
    args: o.configFile ? ['--config', o.configFile] : [],
  });
}

// "next five runs (zone):" and the runs, in the zone this machine's cron really uses.
export function describeNextRuns(schedule: string, tz: string, from?: Date): string {
  const honoured = !tz || cronHonoursCronTz();
  const zone = tz && honoured ? tz : systemTimeZone();
  const note =
    tz && !honoured
      ? `; CRON_TZ=${tz} is written, but this machine's cron ignores CRON_TZ and uses the system zone`
      : '';
  const runs = nextRuns(schedule, { tz: zone, ...(from ? { from } : {}) }).map((d) => `  ${formatInZone(d, zone)}\n`);
  return `next five runs (${zone}${note}):\n${runs.join('')}`;
}

// Put the block into the crontab (replacing ours in place) and confirm it is there.
export async function installEntry(t: CronTarget, entry: string, logDir: string): Promise<void> {
  const current = await t.crontab.read();
  const next = upsertBlock(current, entry, t.root);
  if (t.dryRun) return void t.out.write(`[dry-run] the crontab would become:\n${next}`);
  fs.mkdirSync(logDir, { recursive: true });
  await t.crontab.write(next);
  const installed = await t.crontab.read();
  if (!installed.includes(entry))
    throw new ConfigError(
      ['crontab: the installed table does not contain the entry; check `crontab -l`'],
      'Install not confirmed',
    );
  const done = hasBlock(current, t.root) ? 'replaced' : 'installed';
  t.out.write(`${done} the telegram-sync entry; job output goes to ${path.join(logDir, 'cron.log')}\n`);
}
