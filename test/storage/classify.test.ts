import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StorageStalledError, StorageUnreachableError, UploadError } from '../../lib/errors.ts';
import { classifyStorageError, isTransientError, isUnreachableError } from '../../lib/storage/classify.ts';

const err = (code: string) => Object.assign(new Error(code), { code });
const where = { what: 'upload of k', where: 'http://127.0.0.1:9' };

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

test('a request our transport cut (the server stopped answering) is its own, retryable, unreachable-kind error', () => {
  const cut = Object.assign(new Error('no answer from the S3 server for 1 s'), { code: 'ETIMEDOUT', stalled: true });
  const e = classifyStorageError(new Error('request failed', { cause: cut }), where);
  assert.instance(e, StorageStalledError);
  assert.instance(e, StorageUnreachableError);
  assert.ok(e.retryable);
  assert.match(e.message, /^S3 server http:\/\/127\.0\.0\.1:9 stopped answering during upload of k$/);
  assert.not.instance(classifyStorageError(err('ETIMEDOUT'), where), StorageStalledError);
});

test.run();
