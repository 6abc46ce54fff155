// CRON_SCHEDULE and CRON_TZ as values: five fields or a macro, as Debian's cron reads them, checked
// by cron-parser, and an IANA time zone.
import { CronExpressionParser } from 'cron-parser';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

export type ScheduleCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// Say what is wrong with a schedule, in words a person can act on.
export function checkCronSchedule(schedule: string, tz?: string): ScheduleCheck {
  const s = schedule.trim();
  if (!s) return { ok: false, problem: 'expected a cron schedule like "0 3 * * *", got nothing' };
  if (tz && !isValidTimeZone(tz))
    return { ok: false, problem: `expected an IANA time zone like "Europe/Berlin", got ${JSON.stringify(tz)}` };
  if (s.startsWith('@')) {
    if (!MACROS.has(s))
      return { ok: false, problem: `expected one of ${[...MACROS].join(' ')}, got ${JSON.stringify(s)}` };
  } else {
    const fields = s.split(/\s+/);
    if (fields.length !== 5) {
      return {
        ok: false,
        problem: `expected 5 fields (${FIELD_NAMES.join(', ')}), got ${fields.length} in ${JSON.stringify(s)}`,
      };
    }
  }
  try {
    CronExpressionParser.parse(s, tz ? { tz } : {}).next();
  } catch (e) {
    return { ok: false, problem: `${(e as Error).message} in ${JSON.stringify(s)}` };
  }
  return { ok: true };
}
