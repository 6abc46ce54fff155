// Our own retries: the minio client retries almost nothing (no network errors at all).
export const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);
export const UNREACHABLE_ERROR_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const RETRYABLE_S3_CODES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout', 'RequestTimeTooSkewed', 'OperationAborted']);

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const cause = (e as { cause?: unknown } | undefined)?.cause;
  return cause && cause !== e ? errorCode(cause) : undefined;
}

// With its own retry off, the minio client reports 408/429/5xx answers only in this message.
const RETRYABLE_STATUS_MESSAGE = /Retryable HTTP status: (\d{3})/;

export function isRetryableError(e: unknown): boolean {
  const code = errorCode(e);
  if (code && (NETWORK_ERROR_CODES.has(code) || RETRYABLE_S3_CODES.has(code))) return true;
  return e instanceof Error && RETRYABLE_STATUS_MESSAGE.test(e.message);
}

// The server cannot be reached at all (as opposed to one request failing).
export function isUnreachableError(e: unknown): boolean {
  const code = errorCode(e);
  return !!code && UNREACHABLE_ERROR_CODES.has(code);
}

export interface RetryOptions {
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly isRetryable?: (e: unknown) => boolean;
  readonly onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Run fn; on a retryable error wait baseMs, 2*baseMs, 4*baseMs ... (capped, with jitter) and try again.
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  const retryable = options.isRetryable ?? isRetryableError;
  const maxMs = options.maxMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= options.retries || !retryable(e)) throw e;
      const delay = Math.min(maxMs, options.baseMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      options.onRetry?.(e, attempt + 1, Math.round(delay));
      await wait(delay);
    }
  }
}
