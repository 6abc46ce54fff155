// What an S3 request's failure means: the minio client retries almost nothing (no network errors
// at all), so every request goes through the one retry policy (lib/retry.ts), which reads the
// error's `retryable`; classifyStorageError sets it from what the server or the network said.
import {
  describeError,
  StorageEndpointError,
  StorageError,
  StorageStalledError,
  StorageUnreachableError,
  SyncError,
} from '../errors.ts';

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

// Why the server cannot be reached, in words, by the network error's code.
const UNREACHABLE_WHY: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the server running on that port?)',
  ENOTFOUND: 'host name not found (DNS): check MINIO_ENDPOINT',
  EAI_AGAIN: 'the DNS lookup failed for now',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
};

// Certificates Node refuses (its codes for them).
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

// How the endpoint and the server disagree, with what to do; undefined when they do not.
export function endpointMismatch(e: unknown): string | undefined {
  const code = errorCode(e) ?? '';
  const text = describeError(e); // the messages of the error and its causes
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(text))
    return 'the server speaks plain HTTP, not TLS: use http:// in MINIO_ENDPOINT';
  if (CERT_CODES.has(code))
    return `its TLS certificate was refused (${code}): give Node its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  if (code.startsWith('HPE_') || /Parse Error: Expected HTTP|HTTP request to an HTTPS server/i.test(text))
    return 'the server does not answer in plain HTTP (TLS?): use https:// in MINIO_ENDPOINT';
  return undefined;
}

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
  const mismatch = endpointMismatch(e);
  if (mismatch) return new StorageEndpointError(`S3 server ${o.where}: ${mismatch} (during ${o.what})`, { cause: e });
  if (isUnreachableError(e)) {
    const why = UNREACHABLE_WHY[errorCode(e) ?? ''];
    return new StorageUnreachableError(`S3 server ${o.where} unreachable during ${o.what}${why ? `: ${why}` : ''}`, {
      cause: e,
    });
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
