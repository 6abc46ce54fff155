import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSchedule, formatHealth, uploadedWithin } from '../../lib/health/checks.ts';
import type { RunSummary } from '../../lib/report/summary.ts';

const rec = (over: Partial<RunSummary>): RunSummary => ({
  runId: 'r',
  startedAt: '',
  finishedAt: '2026-11-23T03:00:00Z',
  durationMs: 1,
  dryRun: false,
  force: false,
  status: 'ok',
  scanned: 0,
  complete: 0,
  new: 0,
  uploaded: 0,
  wouldUpload: 0,
  deduplicated: 0,
  adopted: 0,
  metadataAdded: 0,
  copied: 0,
  keysPruned: 0,
  wouldCopy: 0,
  wouldAdopt: 0,
  bytesToSend: 0,
  conflicts: 0,
  failed: 0,
  notAttempted: 0,
  skipped: {},
  bytesUploaded: 0,
  throughputBytesPerSec: 0,
  uploadedObjects: [],
  problems: [],
  ...over,
});
const now = new Date('2026-11-23T12:00:00Z');

test('schedule: passes on a recent successful run, fails when the nightly job stopped or never ran', () => {
  assert.is(checkSchedule([rec({})], 26 * 3600_000, now).status, 'pass');
  const stale = checkSchedule([rec({ finishedAt: '2026-11-21T03:00:00Z' })], 26 * 3600_000, now);
  assert.is(stale.status, 'fail');
  assert.match(stale.detail, /57 h ago; limit 26 h.*stopped/);
  assert.is(checkSchedule([rec({ status: 'partial' }), rec({ dryRun: true })], 26 * 3600_000, now).status, 'fail');
  assert.match(checkSchedule([], 1, now).detail, /no successful sync on record/);
});

test('objects expected: this run plus other runs in the window, latest upload of a key wins', () => {
  const old = rec({
    runId: 'a',
    finishedAt: '2026-11-20T00:00:00Z',
    uploadedObjects: [{ key: 'old', size: 1, sha256: 'x' }],
  });
  const mid = rec({ runId: 'b', uploadedObjects: [{ key: 'k', size: 1, sha256: 'v1' }] });
  const cur = rec({
    runId: 'c',
    uploadedObjects: [
      { key: 'k', size: 2, sha256: 'v2' },
      { key: 'n', size: 3, sha256: 'z' },
    ],
  });
  const got = uploadedWithin([old, mid, cur], cur, now.getTime() - 24 * 3600_000);
  assert.equal(got.map((o) => `${o.key}:${o.sha256}`).sort(), ['k:v2', 'n:z']);
});

test('the report says plainly whether the pipeline is healthy', () => {
  const text = formatHealth({
    healthy: false,
    checks: [
      { name: 'minio', status: 'pass', detail: 'ok' },
      { name: 'database', status: 'fail', detail: 'missing: k' },
    ],
  });
  assert.is(text, 'PASS minio: ok\nFAIL database: missing: k\npipeline UNHEALTHY: 1 of 2 check(s) failed');
});

test.run();
