import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FILE_KINDS } from '../../lib/log/file-kinds.ts';
import { LOG_KINDS } from '../../lib/log/kinds.ts';
import { RUN_KINDS } from '../../lib/log/run-kinds.ts';
import { SERVICE_KINDS } from '../../lib/log/service-kinds.ts';
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

test('every kind has a formatter, from exactly one of the three groups', () => {
  const groups = [RUN_KINDS, FILE_KINDS, SERVICE_KINDS].map((g) => Object.keys(g));
  const all = groups.flat();
  assert.ok(all.length >= 35);
  assert.is(new Set(all).size, all.length, 'no kind in two groups');
  assert.equal(Object.keys(LOG_KINDS).sort(), [...all].sort());
});

test.run();
