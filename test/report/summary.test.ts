import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StorageUnreachableError } from '../../lib/errors.ts';
import { buildSummary, failedRunSummary, MAX_LISTED_OBJECTS, type SummaryInput } from '../../lib/report/summary.ts';
import type { PlanItem, TransferItem } from '../../lib/sync/plan/types.ts';
import type { ScannedFile } from '../../lib/sync/scan/types.ts';
import type { TransferOutcome } from '../../lib/sync/transfer/types.ts';

const file = (rel: string): ScannedFile => ({
  source: { name: 'd', path: '/dl', keySegment: '' },
  absPath: `/dl/${rel}`,
  fsPath: `/dl/${rel}`,
  relPath: rel,
  size: 5,
  mtimeMs: 1,
  ctimeMs: 1,
  ino: 1,
  dev: 1,
});
const item = (rel: string): TransferItem => ({ action: 'transfer', file: file(rel), key: rel });
const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 3, 0, s));

function input(outcomes: TransferOutcome[], over: Partial<SummaryInput> = {}): SummaryInput {
  const plan: PlanItem[] = outcomes.map((o) => o.item);
  return {
    runId: 'r1',
    startedAt: at(0),
    finishedAt: at(2),
    dryRun: false,
    force: false,
    scan: {
      files: plan.map((p) => p.file),
      skipped: [
        { path: '/dl/x.tmp', reason: 'partial' },
        { path: '/dl/loop', reason: 'symlink-loop', detail: 'ELOOP' },
      ],
      settled: 1,
    },
    plan,
    transfer: { outcomes },
    ...over,
  };
}

test('counts every stage: uploads with bytes and objects, dedups, adoptions, skips by reason, problems', () => {
  const s = buildSummary(
    input([
      { status: 'uploaded', item: item('a.txt'), sha256: 'A', bytes: 5 },
      { status: 'deduplicated', item: item('b.txt'), sha256: 'A', sameAs: 'a.txt' },
      { status: 'adopted', item: item('c.txt'), sha256: 'C' },
      { status: 'unchanged', item: item('d.txt'), sha256: 'D' },
    ]),
  );
  assert.is(s.status, 'ok');
  assert.equal(
    [s.scanned, s.complete, s.new, s.uploaded, s.deduplicated, s.adopted, s.failed, s.conflicts],
    [7, 5, 4, 1, 1, 1, 0, 0],
  );
  assert.equal(s.skipped, { partial: 1, 'symlink-loop': 1, unchanged: 1, 'unchanged-content': 1 });
  assert.equal(s.uploadedObjects, [{ key: 'a.txt', size: 5, sha256: 'A' }]);
  assert.is(s.bytesUploaded, 5);
  assert.is(s.durationMs, 2000);
  assert.equal(s.problems, [], 'a link back to a parent leaves nothing behind');
});

test('an unreadable entry or a broken link found by the scan fails the run and is named', () => {
  const base = input([]);
  const s = buildSummary({
    ...base,
    scan: {
      ...base.scan,
      skipped: [
        { path: '/dl/locked', reason: 'unreadable', detail: 'EACCES' },
        { path: '/dl/gone-link', reason: 'broken-link', detail: 'ENOENT' },
      ],
    },
  });
  assert.is(s.status, 'partial');
  assert.is(s.failed, 2);
  assert.equal(
    s.problems.map((p) => [p.path, p.kind, p.detail]),
    [
      ['/dl/locked', 'unreadable', 'EACCES'],
      ['/dl/gone-link', 'broken-link', 'ENOENT'],
    ],
  );
});

test('status: unreachable over partial over processing-failed over ok', () => {
  const failed: TransferOutcome = { status: 'failed', item: item('f.txt'), error: 'EIO' };
  const unreachable = new StorageUnreachableError('S3 server down');
  assert.is(buildSummary(input([failed], { transfer: { outcomes: [failed], unreachable } })).status, 'unreachable');
  assert.is(buildSummary(input([failed], { processing: { ran: true, reason: 'r', exitCode: 1 } })).status, 'partial');
  assert.is(buildSummary(input([{ status: 'conflict', item: item('k.txt'), detail: 'd' }])).status, 'partial');
  assert.is(
    buildSummary(input([], { processing: { ran: true, reason: 'r', exitCode: 1 } })).status,
    'processing-failed',
  );
  const s = buildSummary(input([failed]));
  assert.is(s.failed, 1);
  assert.ok(s.problems.some((p) => p.kind === 'failed' && p.detail === 'EIO'));
});

test('an invalid key counts as failed; a failed run keeps its error', () => {
  const s = buildSummary(input([], { plan: [{ action: 'invalid', file: file('bad'), problem: 'too long' }] }));
  assert.is(s.failed, 1);
  assert.is(s.status, 'partial');
  const f = failedRunSummary({ runId: 'r', startedAt: at(0), finishedAt: at(1), force: true, error: 'lock held' });
  assert.equal([f.status, f.error, f.durationMs, f.force], ['error', 'lock held', 1000, true]);
});

test('a run of many uploads lists the first 1,000 objects and counts the rest', () => {
  const many: TransferOutcome[] = Array.from({ length: 1500 }, (_, i) => ({
    status: 'uploaded',
    item: item(`f${i}.bin`),
    sha256: 'S',
    bytes: 1,
  }));
  const s = buildSummary(input(many));
  assert.is(s.uploaded, 1500);
  assert.is(s.uploadedObjects.length, MAX_LISTED_OBJECTS);
  assert.is(s.uploadedObjectsOmitted, 500);
  assert.is(s.bytesUploaded, 1500);
});

test('files the scan settled (unchanged, never planned) count as scanned, complete and skipped unchanged', () => {
  const base = input([{ status: 'uploaded', item: item('a.txt'), sha256: 'A', bytes: 5 }]);
  const s = buildSummary({ ...base, scan: { ...base.scan, settled: 3 } });
  const plain = buildSummary({ ...base, scan: { ...base.scan, settled: 0 } });
  assert.is(s.scanned, plain.scanned + 3);
  assert.is(s.complete, plain.complete + 3);
  assert.is(s.skipped.unchanged, (plain.skipped.unchanged ?? 0) + 3);
  assert.is(s.new, plain.new);
  assert.is(s.status, 'ok');
});

test.run();
