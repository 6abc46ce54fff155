import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { errorForSummary } from '../../lib/report/exit.ts';
import { failedRunSummary, type RunSummary } from '../../lib/report/summary.ts';

const base = failedRunSummary({
  runId: 'r',
  startedAt: new Date(0),
  finishedAt: new Date(1),
  force: false,
  error: 'x',
});
const as = (over: Partial<RunSummary>): RunSummary => ({ ...base, ...over });

test('each status ends the run with its code from the one table, and says what to do', () => {
  assert.is(errorForSummary(as({ status: 'ok' })), undefined);
  const partial = errorForSummary(as({ status: 'partial', failed: 2, conflicts: 1 }))!;
  assert.is(partial.exitCode, EXIT_CODES.partial);
  assert.match(partial.message, /2 file\(s\) failed and 1 conflict\(s\); they will be tried again next run/);
  const down = errorForSummary(as({ status: 'unreachable', error: 'S3 server down', notAttempted: 7 }))!;
  assert.is(down.exitCode, EXIT_CODES.storageUnreachable);
  assert.match(down.message, /7 file\(s\) not attempted/);
  const proc = errorForSummary(
    as({
      status: 'processing-failed',
      processing: { ran: true, reason: 'r', exitCode: 3, error: 'process_scrap exited with 3' },
    }),
  )!;
  assert.is(proc.exitCode, EXIT_CODES.processing);
  assert.match(proc.message, /--process-only/);
});

test.run();
