import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isRetryableError, isUnreachableError, withRetry } from '../lib/retry.ts';

const err = (code: string) => Object.assign(new Error(code), { code });

test('network errors and 5xx-style S3 codes are retried with growing delays, then given up loudly', async () => {
  const delays: number[] = [];
  let calls = 0;
  try {
    await withRetry(async () => {
      calls++;
      throw err('ECONNRESET');
    }, { retries: 3, baseMs: 100, sleep: async (ms) => void delays.push(ms) });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, 'ECONNRESET');
  }
  assert.is(calls, 4);
  assert.is(delays.length, 3);
  assert.ok(delays[0]! >= 75 && delays[0]! <= 125);
  assert.ok(delays[2]! >= 300 && delays[2]! <= 500);
});

test('a success after a retry returns the value; non-retryable errors are not retried', async () => {
  let n = 0;
  const v = await withRetry(async () => (n++ === 0 ? Promise.reject(err('SlowDown')) : 'ok'), { retries: 2, baseMs: 1, sleep: async () => {} });
  assert.is(v, 'ok');
  let m = 0;
  await withRetry(async () => (m++, Promise.reject(err('AccessDenied'))), { retries: 5, baseMs: 1, sleep: async () => {} }).catch(() => {});
  assert.is(m, 1);
});

test('classification', () => {
  assert.ok(isRetryableError(err('InternalError')));
  assert.ok(isRetryableError(new Error('wrapped', { cause: err('ETIMEDOUT') })));
  assert.not.ok(isRetryableError(err('NoSuchBucket')));
  assert.ok(isRetryableError(new Error('Request failed after 0 retries: Error: Retryable HTTP status: 503')));
  assert.ok(isUnreachableError(err('ECONNREFUSED')));
  assert.not.ok(isUnreachableError(err('ECONNRESET')));
});

test.run();
