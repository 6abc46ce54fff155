import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { didYouMean, editDistance, nearest } from '../lib/nearest.ts';

test('edit distance counts an adjacent swap as one edit', () => {
  assert.is(editDistance('force', 'force'), 0);
  assert.is(editDistance('forse', 'force'), 1);
  assert.is(editDistance('BUCKT', 'BUCKET'), 1);
  assert.is(editDistance('froce', 'force'), 1);
  assert.is(editDistance('', 'abc'), 3);
});

test('the nearest name within a third of the length, case ignored; nothing when none is near', () => {
  const keys = ['SYNC_CONCURRENCY', 'SYNC_CHECKERS', 'MINIO_BUCKET', 'MINIO_ENDPOINT'];
  assert.is(nearest('SYNC_CONCURENCY', keys), 'SYNC_CONCURRENCY');
  assert.is(nearest('minio_buckt', keys), 'MINIO_BUCKET');
  assert.is(nearest('POSTGRES_PASSWORD', keys), undefined);
  assert.is(didYouMean('MINIO_ENDPIONT', keys), ' (did you mean MINIO_ENDPOINT?)');
  assert.is(didYouMean('TZ', keys), '');
});

test.run();
