// Each outcome's key holding the bytes afterwards, and its log entry (dry-run outcomes log none:
// the gate already said what it would do).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TransferItem } from '../../../lib/sync/plan/types.ts';
import { heldUnder, logEntryFor } from '../../../lib/sync/transfer/outcomes.ts';

const item: TransferItem = {
  action: 'transfer',
  key: 'k.jpg',
  file: {
    source: { name: 'd', path: '/dl', keySegment: '' },
    absPath: '/dl/k.jpg',
    fsPath: '/dl/k.jpg',
    relPath: 'k.jpg',
    size: 1,
    mtimeMs: 1,
    ctimeMs: 1,
    ino: 1,
    dev: 1,
  },
};

test("the key that holds the bytes: the file's own, the dedup target, or none after a failure", () => {
  assert.is(heldUnder({ status: 'uploaded', item, sha256: 's', bytes: 1 }), 'k.jpg');
  assert.is(heldUnder({ status: 'would-upload', item, sha256: 's' }), 'k.jpg');
  assert.is(heldUnder({ status: 'deduplicated', item, sha256: 's', sameAs: 'o.jpg' }), 'o.jpg');
  assert.is(heldUnder({ status: 'failed', item, error: 'EIO' }), null);
  assert.is(heldUnder({ status: 'conflict', item, detail: 'd' }), null);
});

test('log entries name path and key; dry-run outcomes log nothing here', () => {
  assert.equal(logEntryFor({ status: 'failed', item, error: 'EIO' }), {
    kind: 'upload.failed',
    path: '/dl/k.jpg',
    key: 'k.jpg',
    error: 'EIO',
  });
  assert.is(logEntryFor({ status: 'would-upload', item, sha256: 's' }), undefined);
  assert.is(logEntryFor({ status: 'not-attempted', item })?.kind, 'upload.not-attempted');
});

test.run();
