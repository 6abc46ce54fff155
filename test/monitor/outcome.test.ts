// lib/monitor/outcome.ts: a run, an error and a health report, each as one outcome.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LockHeldError, StorageUnreachableError } from '../../lib/errors.ts';
import { exitMeaning, outcomeOfError, outcomeOfHealth, outcomeOfRun } from '../../lib/monitor/outcome.ts';
import { failedRunSummary } from '../../lib/report/summary.ts';

const base = failedRunSummary({
  runId: 'r1',
  startedAt: new Date('2026-11-25T03:00:00Z'),
  finishedAt: new Date('2026-11-25T03:00:09Z'),
  force: false,
  error: '',
});

test('a partial run names its first failed file; a clean one says what it uploaded', () => {
  const partial = {
    ...base,
    status: 'partial' as const,
    error: undefined,
    failed: 2,
    problems: [{ path: '/dl/a b.jpg', kind: 'read-error', detail: 'EIO: i/o error' }],
  };
  const o = outcomeOfRun('sync', partial, 3);
  assert.equal([o.ok, o.exitCode, o.at], [false, 3, '2026-11-25T03:00:09.000Z']);
  assert.is(o.headline, '2 file(s) not synced, e.g. /dl/a b.jpg: EIO: i/o error');
  assert.is(outcomeOfRun('watch', { ...base, status: 'ok', error: undefined, uploaded: 4 }, 0).headline, '4 uploaded');
});

test('an error becomes its exit code and message; a health report names its failed checks', () => {
  const locked = outcomeOfError('sync', new LockHeldError('another run holds the lock (pid 12)'));
  assert.equal([locked.ok, locked.exitCode], [false, 4]);
  assert.match(locked.headline, /pid 12/);
  assert.is(outcomeOfError('watch', new StorageUnreachableError('down')).exitCode, 5);
  const h = outcomeOfHealth(
    {
      healthy: false,
      checks: [
        { name: 'minio', status: 'pass', detail: 'fine' },
        { name: 'database', status: 'fail', detail: '2 keys have no row' },
      ],
    },
    8,
  );
  assert.equal([h.ok, h.headline, h.failedChecks?.length], [false, 'database: 2 keys have no row', 1]);
  assert.is(exitMeaning(8), 'exit 8: a health check failed');
});

test.run();
