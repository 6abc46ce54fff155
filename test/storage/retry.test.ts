import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StorageError, StorageUnreachableError, UploadError } from '../../lib/errors.ts';
import { classifyStorageError, isTransientError, isUnreachableError, withRetry } from '../../lib/storage/retry.ts';

const err = (code: string) => Object.assign(new Error(code), { code });
const where = { what: 'upload of k', where: 'http://127.0.0.1:9' };

test('errors that say a retry can help are retried with growing delays, then given up loudly', async () => {
  const delays: number[] = [];
  let calls = 0;
  try {
    await withRetry(async () => {
      calls++;
      throw classifyStorageError(err('ECONNRESET'), where);
    }, { retries: 3, baseMs: 100, sleep: async (ms) => void delays.push(ms) });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, StorageError);
    assert.is((e as StorageError).code, 'ECONNRESET');
  }
  assert.is(calls, 4);
  assert.is(delays.length, 3);
  assert.ok(delays[0]! >= 75 && delays[0]! <= 125);
  assert.ok(delays[2]! >= 300 && delays[2]! <= 500);
});

test('a success after a retry returns the value; errors that are not retryable are not retried', async () => {
  let n = 0;
  const v = await withRetry(async () => (n++ === 0 ? Promise.reject(classifyStorageError(err('SlowDown'), where)) : 'ok'), { retries: 2, baseMs: 1, sleep: async () => {} });
  assert.is(v, 'ok');
  let m = 0;
  await withRetry(async () => (m++, Promise.reject(classifyStorageError(err('AccessDenied'), where))), { retries: 5, baseMs: 1, sleep: async () => {} }).catch(() => {});
  assert.is(m, 1);
  let raw = 0;
  await withRetry(async () => (raw++, Promise.reject(err('ECONNRESET'))), { retries: 5, baseMs: 1, sleep: async () => {} }).catch(() => {});
  assert.is(raw, 1, 'the loop reads SyncError.retryable; an unclassified error is not guessed at');
});

test('classification: transient, unreachable, and the error class asked for', () => {
  assert.ok(isTransientError(err('InternalError')));
  assert.ok(isTransientError(new Error('wrapped', { cause: err('ETIMEDOUT') })));
  assert.not.ok(isTransientError(err('NoSuchBucket')));
  assert.ok(isTransientError(new Error('Request failed after 0 retries: Error: Retryable HTTP status: 503')));
  assert.ok(isUnreachableError(err('ECONNREFUSED')));
  assert.not.ok(isUnreachableError(err('ECONNRESET')));
  const refused = classifyStorageError(err('ECONNREFUSED'), where);
  assert.instance(refused, StorageUnreachableError);
  assert.ok(refused.retryable);
  assert.match(refused.message, /S3 server http:\/\/127\.0\.0\.1:9 unreachable during upload of k/);
  const denied = classifyStorageError(err('AccessDenied'), { ...where, as: UploadError });
  assert.instance(denied, UploadError);
  assert.not.ok(denied.retryable);
  assert.is((denied as UploadError).code, 'AccessDenied');
  assert.is(classifyStorageError(denied, where), denied, 'already classified: kept');
});

test.run();
