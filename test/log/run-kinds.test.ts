// The run's own log kinds, as a person and a log reader see them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatEntry } from '../../lib/log/kinds.ts';

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

test('a retry says what failed, which retry it is and when', () => {
  const r = formatEntry({ kind: 'retry', error: 'ECONNRESET', attempt: 2, retries: 4, delayMs: 1000 });
  assert.equal([r.level, r.msg], ['warn', 'request failed (ECONNRESET); retry 2/4 in 1000 ms']);
});

test.run();
