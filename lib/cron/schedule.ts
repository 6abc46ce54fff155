// Cron schedules: validation (five fields or a macro, as Debian's cron reads them) and next runs.
import fs from 'node:fs';
import { CronExpressionParser } from 'cron-parser';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

export type ScheduleCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// Say what is wrong with a schedule, in words a person can act on.
export function checkSchedule(schedule: string, tz?: string): ScheduleCheck {
  const s = schedule.trim();
  if (!s) return { ok: false, problem: 'expected a cron schedule like "0 3 * * *", got nothing' };
  if (tz && !isValidTimeZone(tz)) return { ok: false, problem: `expected an IANA time zone like "Europe/Berlin", got ${JSON.stringify(tz)}` };
  if (s.startsWith('@')) {
    if (!MACROS.has(s)) return { ok: false, problem: `expected one of ${[...MACROS].join(' ')}, got ${JSON.stringify(s)}` };
  } else {
    const fields = s.split(/\s+/);
    if (fields.length !== 5) {
      return { ok: false, problem: `expected 5 fields (${FIELD_NAMES.join(', ')}), got ${fields.length} in ${JSON.stringify(s)}` };
    }
  }
  try {
    CronExpressionParser.parse(s, tz ? { tz } : {}).next();
  } catch (e) {
    return { ok: false, problem: `${(e as Error).message} in ${JSON.stringify(s)}` };
  }
  return { ok: true };
}

// The next `count` run times after `from`.
export function nextRuns(schedule: string, options: { tz?: string; from?: Date; count?: number } = {}): Date[] {
  const expr = CronExpressionParser.parse(schedule.trim(), { currentDate: options.from ?? new Date(), ...(options.tz ? { tz: options.tz } : {}) });
  return Array.from({ length: options.count ?? 5 }, () => expr.next().toDate());
}

// "Tue 2026-11-24 03:00 (Europe/Berlin)"
export function formatInZone(d: Date, tz: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

// Whether the installed cron daemon reads CRON_TZ (cronie does; Debian's cron 3.0pl1 does not).
export function cronHonoursCronTz(binary = '/usr/sbin/cron', read: (p: string) => Buffer = (p) => fs.readFileSync(p)): boolean {
  try {
    return read(binary).includes('CRON_TZ');
  } catch {
    return false;
  }
}
