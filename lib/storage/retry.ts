// Retries for S3 requests. The minio client retries almost nothing (no network errors at all),
// so every request goes through withRetry; whether a retry can help is decided by the error
// (SyncError.retryable), which classifyStorageError sets from what the server or network said.
import { sleep as realSleep, type Sleep } from '../clock.ts';
import { StorageError, StorageUnreachableError, SyncError } from '../errors.ts';

export const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);
export const UNREACHABLE_ERROR_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
// Server hiccups, and a body the server refused because it arrived damaged (its signed
// SHA-256 or MD5 did not match): sending it again can help.
const RETRYABLE_S3_CODES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout', 'RequestTimeTooSkewed', 'OperationAborted', 'XAmzContentSHA256Mismatch', 'BadDigest']);

// The code of an error or of the first cause that has one.
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const cause = (e as { cause?: unknown } | undefined)?.cause;
  return cause && cause !== e ? errorCode(cause) : undefined;
}

// With its own retry off, the minio client reports 408/429/5xx answers only in this message.
const RETRYABLE_STATUS_MESSAGE = /Retryable HTTP status: (\d{3})/;

// A network error or a server-side hiccup: the same request may well succeed later.
export function isTransientError(e: unknown): boolean {
  const code = errorCode(e);
  if (code && (NETWORK_ERROR_CODES.has(code) || RETRYABLE_S3_CODES.has(code))) return true;
  return e instanceof Error && RETRYABLE_STATUS_MESSAGE.test(e.message);
}

// The server cannot be reached at all (as opposed to one request failing).
export function isUnreachableError(e: unknown): boolean {
  const code = errorCode(e);
  return !!code && UNREACHABLE_ERROR_CODES.has(code);
}

// What S3 servers answer when the access key, the secret or the key's rights are wrong.
export const AUTH_ERROR_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'AuthorizationHeaderMalformed', 'InvalidSecurity']);

export type StorageErrorClass = new (message: string, options: { cause?: unknown; retryable?: boolean; code?: string }) => StorageError;

// Turn what the minio client threw into one of our errors, saying whether a retry can help.
export function classifyStorageError(
  e: unknown,
  o: { what: string; where: string; failure?: string; as?: StorageErrorClass; auth?: (code: string, cause: unknown) => SyncError },
): SyncError {
  if (e instanceof SyncError) return e;
  if (isUnreachableError(e)) return new StorageUnreachableError(`S3 server ${o.where} unreachable during ${o.what}`, { cause: e });
  const code = errorCode(e);
  if (code && AUTH_ERROR_CODES.has(code) && o.auth) return o.auth(code, e);
  const ErrorClass = o.as ?? StorageError;
  return new ErrorClass(o.failure ?? `${o.what} failed`, { cause: e, retryable: isTransientError(e), ...(code ? { code } : {}) });
}

export interface RetryOptions {
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs?: number;
  readonly sleep?: Sleep;
  readonly onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

export const isRetryable = (e: unknown): boolean => e instanceof SyncError && e.retryable;

// Run fn; while it throws an error that says a retry can help, wait baseMs, 2*baseMs, 4*baseMs …
// (capped, with jitter) and try again. The last error is thrown as it is.
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? realSleep;
  const maxMs = options.maxMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= options.retries || !isRetryable(e)) throw e;
      const delay = Math.min(maxMs, options.baseMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      options.onRetry?.(e, attempt + 1, Math.round(delay));
      await wait(delay);
    }
  }
}
