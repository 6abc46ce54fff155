import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ConfigError,
  ContainerMissingError,
  CronError,
  describeError,
  DockerDaemonUnreachableError,
  EXIT_CODES,
  exitCodeFor,
  ForeignLockError,
  LockHeldError,
  PartialFailureError,
  ProcessingError,
  StorageError,
  StorageUnreachableError,
  SyncError,
  UploadError,
  UsageError,
  VerificationError,
} from '../lib/errors.ts';

test('every error class maps to its exit code; anything else is internal', () => {
  const cases: Array<[unknown, number]> = [
    [new ConfigError(['A: bad']), EXIT_CODES.config],
    [new UsageError('--x'), EXIT_CODES.config],
    [new LockHeldError('held'), EXIT_CODES.lockHeld],
    [new StorageUnreachableError('down'), EXIT_CODES.storageUnreachable],
    [new StorageError('x'), EXIT_CODES.partial],
    [new UploadError('x'), EXIT_CODES.partial],
    [new VerificationError('x'), EXIT_CODES.partial],
    [new PartialFailureError('x'), EXIT_CODES.partial],
    [new ContainerMissingError('x'), EXIT_CODES.docker],
    [new ProcessingError('x'), EXIT_CODES.processing],
    [new CronError('x'), EXIT_CODES.cron],
    [new Error('bug'), EXIT_CODES.internal],
    ['a string', EXIT_CODES.internal],
  ];
  for (const [e, code] of cases) assert.is(exitCodeFor(e), code, String(e));
});

test('errors say whether a retry can help, and whether only a person can; names are the class names', () => {
  assert.ok(new StorageUnreachableError('x').retryable);
  assert.ok(new LockHeldError('x').retryable, 'a live run: waiting for it can help');
  assert.not.ok(new ForeignLockError('x').retryable, 'another host: waiting here cannot tell');
  assert.not.ok(new DockerDaemonUnreachableError('x').retryable, 'nothing retries docker calls');
  assert.not.ok(new ConfigError(['x']).retryable);
  assert.ok(new ConfigError(['x']).fatal);
  assert.not.ok(new StorageUnreachableError('x').fatal);
  assert.ok(new StorageError('x', { retryable: true, code: 'SlowDown' }).retryable);
  assert.is(new UploadError('x').name, 'UploadError');
  assert.instance(new UploadError('x'), SyncError);
});

test('a config error lists every problem; describeError follows causes and their codes', () => {
  const c = new ConfigError(['A: expected x, got y', 'B: expected z, got nothing']);
  assert.is(c.message, 'Invalid configuration (2 problems):\n  - A: expected x, got y\n  - B: expected z, got nothing');
  const cause = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
  assert.is(
    describeError(new StorageUnreachableError('S3 down', { cause })),
    'S3 down: caused by: connect failed [ECONNREFUSED]',
  );
  assert.is(describeError('plain'), 'plain');
});

test.run();
