import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatSummary } from '../../lib/report/summary-text.ts';
import { failedRunSummary, type RunSummary } from '../../lib/report/summary.ts';

const base: RunSummary = {
  ...failedRunSummary({ runId: 'r', startedAt: new Date(0), finishedAt: new Date(1500), force: false, error: '' }),
  status: 'ok',
};

test('a run reads as four lines: status and counts, transfer figures, skips, time', () => {
  const text = formatSummary({
    ...base,
    scanned: 9,
    complete: 7,
    new: 3,
    uploaded: 2,
    bytesUploaded: 3 * 1024 * 1024,
    throughputBytesPerSec: 2 * 1024 * 1024,
    deduplicated: 1,
    skipped: { partial: 2 },
  });
  assert.is(
    text,
    [
      'sync ok: 9 scanned, 7 complete, 3 new or changed',
      '  uploaded 2 (3.0 MiB, 2.0 MiB/s), copied 0 on the server, deduplicated 1, ' +
        'adopted 0 already in the bucket, conflicts 0, failed 0',
      '  skipped: partial 2',
      '  took 1.50 s',
    ].join('\n'),
  );
});

test('dry run, processing and problems (at most 20 listed)', () => {
  const problems = Array.from({ length: 23 }, (_, i) => ({ path: `/dl/${i}`, kind: 'failed', detail: 'EIO' }));
  const text = formatSummary({
    ...base,
    dryRun: true,
    wouldUpload: 4,
    processing: { ran: false, reason: '--no-process' },
    problems,
  });
  assert.match(text, /^\[dry-run\] sync ok/);
  assert.match(
    text,
    /would upload 4 \(0 B\), copy 0 on the server, deduplicate 0, adopt 0 already in the bucket, conflicts 0, failed 0/,
  );
  assert.match(text, /processing: not run \(--no-process\)/);
  assert.is((text.match(/^ {2}failed: /gm) ?? []).length, 20);
  assert.match(text, /… and 3 more problems \(see the log\)$/);
});

test('skips read most first, then by name, whatever order the scan met them in', () => {
  const line = (skipped: Record<string, number>) => formatSummary({ ...base, skipped }).split('\n')[2];
  assert.is(line({ hidden: 1, partial: 2, excluded: 2 }), '  skipped: excluded 2, partial 2, hidden 1');
  assert.is(line({ partial: 2, excluded: 2, hidden: 1 }), '  skipped: excluded 2, partial 2, hidden 1');
  assert.is(line({}), '  skipped: none');
});

test.run();
