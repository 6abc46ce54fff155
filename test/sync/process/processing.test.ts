import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { processingFailed, skipProcessing } from '../../../lib/sync/process/processing.ts';

test('a processing report counts as failed when it ran and exited non-zero, or could not run', async () => {
  assert.not.ok(processingFailed(undefined));
  assert.not.ok(processingFailed(await skipProcessing(3)));
  assert.not.ok(processingFailed({ ran: true, reason: 'r', exitCode: 0 }));
  assert.ok(processingFailed({ ran: true, reason: 'r', exitCode: 2 }));
  assert.ok(processingFailed({ ran: false, reason: 'could not run', error: 'container missing' }));
});

test.run();
