// What an S3 request's failure means: the minio client retries almost nothing (no network errors
// at all), so every request goes through the one retry policy (lib/retry.ts), which reads the
// error's `retryable`; classifyStorageError sets it from what the server or the network said.
import { StorageError, StorageStalledError, StorageUnreachableError, SyncError } from '../errors.ts';

export const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
export const UNREACHABLE_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// Server hiccups, and a body the server refused because it arrived damaged (its signed
// SHA-256 or MD5 did not match): sending it again can help.
const RETRYABLE_S3_CODES = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'OperationAborted',
  'XAmzContentSHA256Mismatch',
  'BadDigest',
]);

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

// Our transport cut the request: the server accepted it and then sent nothing (lib/storage/transport.ts).
export function isStalled(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    if ((c as { stalled?: unknown }).stalled === true) return true;
  }
  return false;
}

// The server cannot be reached at all (as opposed to one request failing).
export function isUnreachableError(e: unknown): boolean {
  const code = errorCode(e);
  return !!code && UNREACHABLE_ERROR_CODES.has(code);
}

// What S3 servers answer when the access key, the secret or the key's rights are wrong.
export const AUTH_ERROR_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'AuthorizationHeaderMalformed',
  'InvalidSecurity',
]);

export type StorageErrorClass = new (
  message: string,
  options: { cause?: unknown; retryable?: boolean; code?: string },
) => StorageError;

// Turn what the minio client threw into one of our errors, saying whether a retry can help.
export function classifyStorageError(
  e: unknown,
  o: {
    what: string;
    where: string;
    failure?: string;
    as?: StorageErrorClass;
    auth?: (code: string, cause: unknown) => SyncError;
  },
): SyncError {
  if (e instanceof SyncError) return e;
  if (isUnreachableError(e)) {
    return new StorageUnreachableError(`S3 server ${o.where} unreachable during ${o.what}`, { cause: e });
  }
  if (isStalled(e)) {
    return new StorageStalledError(`S3 server ${o.where} stopped answering during ${o.what}`, { cause: e });
  }
  const code = errorCode(e);
  if (code && AUTH_ERROR_CODES.has(code) && o.auth) return o.auth(code, e);
  const ErrorClass = o.as ?? StorageError;
  return new ErrorClass(o.failure ?? `${o.what} failed`, {
    cause: e,
    retryable: isTransientError(e),
    ...(code ? { code } : {}),
  });
}
