// lib/retry.ts: the one retry policy, read from the errors themselves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, LockHeldError, StorageError, WatchLimitError } from '../lib/errors.ts';
import { isFatal, retryDelayMs, withRetry } from '../lib/retry.ts';
import { classifyStorageError } from '../lib/storage/classify.ts';

const err = (code: string) => Object.assign(new Error(code), { code });
const where = { what: 'upload of k', where: 'http://127.0.0.1:9' };

test('errors that say a retry can help are retried with growing delays, then given up loudly', async () => {
  const delays: number[] = [];
  let calls = 0;
  try {
    await withRetry(
      async () => {
        calls++;
        throw classifyStorageError(err('ECONNRESET'), where);
      },
      { retries: 3, baseMs: 100, sleep: async (ms) => void delays.push(ms) },
    );
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
  const v = await withRetry(
    async () => (n++ === 0 ? Promise.reject(classifyStorageError(err('SlowDown'), where)) : 'ok'),
    { retries: 2, baseMs: 1, sleep: async () => {} },
  );
  assert.is(v, 'ok');
  let m = 0;
  await withRetry(async () => (m++, Promise.reject(classifyStorageError(err('AccessDenied'), where))), {
    retries: 5,
    baseMs: 1,
    sleep: async () => {},
  }).catch(() => {});
  assert.is(m, 1);
  let raw = 0;
  await withRetry(async () => (raw++, Promise.reject(err('ECONNRESET'))), {
    retries: 5,
    baseMs: 1,
    sleep: async () => {},
  }).catch(() => {});
  assert.is(raw, 1, 'the loop reads SyncError.retryable; an unclassified error is not guessed at');
});

test('a deadline bounds the retries: the last wait is cut to it, then the error is thrown', async () => {
  let clock = 0;
  const waits: number[] = [];
  let calls = 0;
  const policy = {
    retries: Infinity,
    baseMs: 100,
    maxMs: 400,
    jitter: false,
    deadlineMs: 1000,
    now: () => new Date(clock),
    sleep: async (ms: number) => {
      waits.push(ms);
      clock += ms;
    },
  };
  await withRetry(async () => {
    calls++;
    throw new LockHeldError('held');
  }, policy).catch((e: unknown) => assert.instance(e, LockHeldError));
  assert.equal(waits, [100, 200, 400, 300]);
  assert.is(calls, 5);
});

test('the backoff doubles from its base to its cap; without jitter it is exact', () => {
  const policy = { baseMs: 2000, maxMs: 300_000, jitter: false };
  assert.equal(
    [1, 2, 3, 8, 9, 20].map((n) => retryDelayMs(n, policy)),
    [2000, 4000, 8000, 256_000, 300_000, 300_000],
  );
  for (let i = 0; i < 50; i++) {
    const d = retryDelayMs(1, { baseMs: 1000 });
    assert.ok(d >= 750 && d <= 1250, String(d));
  }
});

test('fatal errors are the ones a person must mend', () => {
  assert.ok(isFatal(new ConfigError(['x'])));
  assert.ok(isFatal(new WatchLimitError('limit')));
  assert.not.ok(isFatal(new StorageError('503', { retryable: true })));
  assert.not.ok(isFatal(new Error('plain')));
});

test.run();
