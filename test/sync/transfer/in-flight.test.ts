import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InFlightUploads } from '../../../lib/sync/transfer/in-flight.ts';

test('a second file with the same bytes waits for the first upload and learns its key, or null', async () => {
  const uploads = new InFlightUploads();
  assert.not.ok(uploads.has('s1'));
  assert.is(await uploads.wait('s1'), null, 'nothing in flight: nothing to wait for');
  const settle = uploads.claim('s1');
  assert.ok(uploads.has('s1'));
  const waiting = uploads.wait('s1');
  settle('a.jpg');
  assert.is(await waiting, 'a.jpg');
  const failed = uploads.claim('s2');
  const waitingForFailure = uploads.wait('s2');
  failed(null);
  assert.is(await waitingForFailure, null);
});

test.run();
