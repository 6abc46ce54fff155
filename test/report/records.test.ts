import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendRunRecord, readRunRecords, RUN_RECORDS_FILE } from '../../lib/report/records.ts';
import { failedRunSummary } from '../../lib/report/summary.ts';
import { tempDir } from '../support/env.ts';

const run = (id: string) =>
  failedRunSummary({ runId: id, startedAt: new Date(0), finishedAt: new Date(1), force: false, error: 'e' });

test('records are appended one JSON line each and read back in order; a torn line is skipped', () => {
  const dir = path.join(tempDir('rec'), 'logs');
  assert.equal(readRunRecords(dir), []);
  const file = appendRunRecord(dir, run('a'));
  appendRunRecord(dir, run('b'));
  assert.is(file, path.join(dir, RUN_RECORDS_FILE));
  fs.appendFileSync(file, '{"runId":"c","sta');
  assert.equal(
    readRunRecords(dir).map((r) => r.runId),
    ['a', 'b'],
  );
});

test.run();
