// Each file's log kinds: scan skips warn only when something is wrong; failures say they are retried.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FILE_KINDS, SCAN_SKIP_REASONS } from '../../lib/log/file-kinds.ts';
import { formatEntry } from '../../lib/log/kinds.ts';

test('every scan skip reason has its kind; only failures and surprises are above debug', () => {
  for (const r of SCAN_SKIP_REASONS) assert.ok(`scan.${r}` in FILE_KINDS, r);
  assert.is(formatEntry({ kind: 'scan.partial', path: '/x.tmp' }).level, 'debug');
  assert.is(formatEntry({ kind: 'scan.vanished', path: '/x' }).level, 'warn');
  assert.is(formatEntry({ kind: 'scan.unreadable', path: '/x', detail: 'EACCES' }).level, 'error');
  assert.equal(formatEntry({ kind: 'scan.unreadable', path: '/x', detail: 'EACCES' }).fields, { detail: 'EACCES' });
});

test('a failed upload says it is retried next run, and names path and key as fields', () => {
  const f = formatEntry({ kind: 'upload.failed', path: '/dl/a', key: 'a', error: 'EIO' });
  assert.equal(f, {
    level: 'error',
    msg: 'failed, will be retried next run: EIO',
    fields: { path: '/dl/a', key: 'a' },
  });
});

test.run();
