// When to notify and what the message says: pure, so the whole table is one test.
import { formatBytes } from '../humanize.ts';
import { exitMeaning, type Outcome } from './outcome.ts';

export type NotifyOn = 'failure' | 'change' | 'always';

// Kept between runs (state/notify.json): whether the last outcome failed, since when, how often.
export interface NotifyState {
  readonly failing: boolean;
  readonly failures: number;
  readonly since?: string;
  readonly lastSentAt?: string;
  // The last message decided on reached no target: the next outcome is sent whatever it is.
  readonly undelivered?: boolean;
}

export const INITIAL_STATE: NotifyState = { failing: false, failures: 0 };

export interface Decision {
  readonly send: boolean;
  readonly why: string;
  readonly next: NotifyState;
}

// `watch`: outcomes come every few seconds, so repeated failures are coalesced into one reminder
// per `repeatMs`, and `always` means `change` (a message per batch would be a storm).
export function decide(
  on: NotifyOn,
  o: Outcome,
  prev: NotifyState,
  ctx: { watch: boolean; repeatMs: number; now: number },
): Decision {
  const nowIso = new Date(ctx.now).toISOString();
  if (!o.ok) {
    const failures = prev.failing ? prev.failures + 1 : 1;
    const since = prev.failing ? (prev.since ?? o.at) : o.at;
    const due =
      !prev.failing ||
      !ctx.watch ||
      prev.undelivered === true ||
      !prev.lastSentAt ||
      ctx.now - Date.parse(prev.lastSentAt) >= ctx.repeatMs;
    const why = !prev.failing
      ? 'the run failed'
      : ctx.watch
        ? `still failing (${failures} failures since ${since})`
        : 'the run failed again';
    return {
      send: due,
      why: due ? why : `a reminder was sent less than ${Math.round(ctx.repeatMs / 60_000)} min ago`,
      next: {
        failing: true,
        failures,
        since,
        ...(due ? { lastSentAt: nowIso } : prev.lastSentAt ? { lastSentAt: prev.lastSentAt } : {}),
      },
    };
  }
  const recovered = prev.failing;
  const owed = prev.undelivered === true;
  const send = owed || (on === 'always' ? !ctx.watch || recovered : on === 'change' && recovered);
  const why = recovered ? `recovered after ${prev.failures} failure(s)` : 'the run succeeded';
  return {
    send,
    why,
    next: {
      failing: false,
      failures: 0,
      ...(send ? { lastSentAt: nowIso } : prev.lastSentAt ? { lastSentAt: prev.lastSentAt } : {}),
    },
  };
}

const SOURCE_NAME = { sync: 'sync', watch: 'watch batch', 'test-sync': 'health check' } as const;

// The message: the failure in one line, the counts, the exit code's meaning, where to look.
export function formatMessage(
  o: Outcome,
  d: Pick<Decision, 'why' | 'next'>,
  where: { host: string; project: string; logFile: string },
): string {
  const mark = o.ok ? '✅' : '❌';
  const title = o.ok
    ? `${SOURCE_NAME[o.source]} ok${d.why.startsWith('recovered') ? ` (${d.why})` : ''}`
    : `${SOURCE_NAME[o.source]} FAILED (${exitMeaning(o.exitCode)})`;
  const lines = [`${mark} telegram-sync on ${where.host}: ${title}`];
  if (!o.ok) lines.push(o.headline);
  const s = o.summary;
  if (s) {
    const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
    const uploaded = `uploaded ${s.uploaded} (${formatBytes(s.bytesUploaded)})`;
    const files = `${uploaded}, failed ${s.failed}, conflicts ${s.conflicts}`;
    lines.push(`${files}, skipped ${skipped}, in ${(s.durationMs / 1000).toFixed(1)} s; run ${s.runId}`);
  }
  if (!o.ok && d.next.failures > 1) lines.push(`failing ${d.next.failures} times in a row, since ${d.next.since}`);
  if (!o.ok)
    lines.push(`look further: cd ${where.project} && npx zx scripts/test-sync.ts --no-sync; log: ${where.logFile}`);
  return lines.join('\n');
}
