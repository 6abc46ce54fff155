import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatEntry, LOG_KINDS } from '../../lib/log/kinds.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';

test('each kind has its level and message; the memory logger keeps the same records', () => {
  const log = createMemoryLogger();
  log.write({ kind: 'process.output', container: 'django', stream: 'stderr', line: 'warning: x' });
  log.write({ kind: 'dry-run', action: 'upload', target: { key: 'k', bytes: 3 } });
  log.write({ kind: 'scan.unreadable', path: '/dl/x', detail: 'EACCES' });
  assert.equal(
    log.records.map((r) => [r.level, r.kind, r.msg]),
    [
      ['warn', 'process.output', 'warning: x'],
      ['info', 'dry-run', 'would upload'],
      ['error', 'scan.unreadable', 'skipped /dl/x'],
    ],
  );
  assert.is(log.records[1]?.key, 'k', 'dry-run fields are flat');
  assert.is(log.records[0]?.line, undefined, 'the line is the message, not repeated as a field');
});

test('run.start and run.summary read as they always did', () => {
  assert.equal(
    formatEntry({
      kind: 'run.start',
      bucket: 'b',
      prefix: '',
      dirs: ['/dl'],
      concurrency: 4,
      dryRun: true,
      force: false,
    }),
    {
      level: 'info',
      msg: 'sync starting (dry run: nothing will be written)',
      fields: { bucket: 'b', prefix: '', dirs: ['/dl'], concurrency: 4 },
    },
  );
  const s = formatEntry({
    kind: 'run.summary',
    status: 'partial',
    scanned: 1,
    complete: 1,
    new: 1,
    uploaded: 0,
    deduplicated: 0,
    adopted: 0,
    conflicts: 0,
    failed: 1,
    skipped: {},
    bytesUploaded: 0,
    durationMs: 5,
    throughputBytesPerSec: 0,
  });
  assert.equal([s.level, s.msg], ['info', 'sync partial']);
  assert.is(s.fields.status, undefined);
});

test('every kind has a formatter, and scan skips warn only when something is wrong', () => {
  assert.ok(Object.keys(LOG_KINDS).length >= 35);
  assert.is(formatEntry({ kind: 'scan.partial', path: '/x.tmp' }).level, 'debug');
  assert.is(formatEntry({ kind: 'scan.vanished', path: '/x' }).level, 'warn');
});

test.run();
