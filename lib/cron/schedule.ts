// Cron schedules: the next runs of a schedule (validated by lib/config/cron-schedule.ts) and what
// the installed cron daemon reads.
import fs from 'node:fs';
import { CronExpressionParser } from 'cron-parser';

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// The next `count` run times after `from`.
export function nextRuns(schedule: string, options: { tz?: string; from?: Date; count?: number } = {}): Date[] {
  const expr = CronExpressionParser.parse(schedule.trim(), {
    currentDate: options.from ?? new Date(),
    ...(options.tz ? { tz: options.tz } : {}),
  });
  return Array.from({ length: options.count ?? 5 }, () => expr.next().toDate());
}

// "Tue 2026-11-24 03:00 (Europe/Berlin)"
export function formatInZone(d: Date, tz: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

// Whether the installed cron daemon reads CRON_TZ (cronie does; Debian's cron 3.0pl1 does not).
export function cronHonoursCronTz(
  binary = '/usr/sbin/cron',
  read: (p: string) => Buffer = (p) => fs.readFileSync(p),
): boolean {
  try {
    return read(binary).includes('CRON_TZ');
  } catch {
    return false;
  }
}
