// The one retry policy: whether a retry can help is a property of the error (SyncError.retryable,
// as rclone's fserrors.ShouldRetry reads it), and every wait follows one backoff: base, twice
// that, four times … capped, with jitter unless told otherwise. S3 requests, notifications, the
// lock wait and watch mode's batch requeue all use it.
import { sleep as realSleep, systemNow, type Now, type Sleep } from './clock.ts';
import { SyncError } from './errors.ts';

export interface RetryPolicy {
  // Tries after the first (Infinity: until the deadline).
  readonly retries: number;
  readonly baseMs: number;
  // No single wait is longer (default 30 s).
  readonly maxMs?: number;
  // No retry starts later than this long after the first try.
  readonly deadlineMs?: number;
  // Each wait is 0.75-1.25 times its step (default), so clients that failed together do not
  // come back together; false for a schedule a person reads ("again in 2 s, then 4 s").
  readonly jitter?: boolean;
  readonly sleep?: Sleep;
  readonly now?: Now;
  // Before each wait: the error, the retry about to be made (1 for the first) and the wait.
  readonly onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_MAX_DELAY_MS = 30_000;

export const isRetryable = (e: unknown): boolean => e instanceof SyncError && e.retryable;

// No retry, now or later, can mend it: a person has to (bad configuration, refused credentials).
export const isFatal = (e: unknown): boolean => e instanceof SyncError && e.fatal;

// The wait before retry number `attempt` (1 for the first).
export function retryDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs' | 'jitter'>): number {
  const step = Math.min(policy.maxMs ?? DEFAULT_MAX_DELAY_MS, policy.baseMs * 2 ** (attempt - 1));
  return policy.jitter === false ? step : Math.round(step * (0.75 + Math.random() * 0.5));
}

// Run fn; while it throws an error that says a retry can help, wait and try again, within the
// policy's retries and deadline. The last error is thrown as it is.
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const now = policy.now ?? systemNow;
  const started = now().getTime();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.retries || !isRetryable(e)) throw e;
      let delay = retryDelayMs(attempt + 1, policy);
      if (policy.deadlineMs !== undefined) {
        const left = started + policy.deadlineMs - now().getTime();
        if (left <= 0) throw e;
        delay = Math.min(delay, left);
      }
      policy.onRetry?.(e, attempt + 1, delay);
      await (policy.sleep ?? realSleep)(delay);
    }
  }
}
