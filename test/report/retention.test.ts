import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendRunRecord, readRunRecords } from '../../lib/report/records.ts';
import { CRON_LOG_KEEP_BYTES, CRON_LOG_MAX_BYTES, pruneLogs } from '../../lib/report/retention.ts';
import { failedRunSummary } from '../../lib/report/summary.ts';
import { tempDir } from '../support/env.ts';

const now = new Date(2026, 10, 25, 3, 0, 0);
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const stamp = (d: Date) =>
  `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
const record = (id: string, finished: Date) => ({
  ...failedRunSummary({ runId: id, startedAt: finished, finishedAt: finished, force: false, error: '' }),
  status: 'ok' as const,
});

test('dated logs and run records older than the retention go; the rest, and other files, stay', () => {
  const dir = tempDir('ret');
  for (const d of [0, 29, 31, 90])
    for (const ext of ['log', 'jsonl'])
      fs.writeFileSync(path.join(dir, `telegram_sync_${stamp(daysAgo(d))}.${ext}`), 'x');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  for (const [id, d] of [
    ['a', 90],
    ['b', 31],
    ['c', 29],
    ['d', 0],
  ] as const)
    appendRunRecord(dir, record(id, daysAgo(d)));
  const pruned = pruneLogs(dir, { days: 30, now });
  assert.equal(pruned, { logFiles: 4, runRecords: 2, cronLogCut: false });
  assert.equal(
    fs
      .readdirSync(dir)
      .filter((n) => n.startsWith('telegram_sync_2'))
      .sort(),
    [
      `telegram_sync_${stamp(daysAgo(29))}.jsonl`,
      `telegram_sync_${stamp(daysAgo(29))}.log`,
      `telegram_sync_${stamp(now)}.jsonl`,
      `telegram_sync_${stamp(now)}.log`,
    ].sort(),
  );
  assert.ok(fs.existsSync(path.join(dir, 'notes.txt')));
  assert.equal(
    readRunRecords(dir).map((r) => r.runId),
    ['c', 'd'],
  );
  assert.equal(
    pruneLogs(dir, { days: 30, now }),
    { logFiles: 0, runRecords: 0, cronLogCut: false },
    'nothing more to do',
  );
});

test('a large cron.log is cut to its tail; a small one is left alone', () => {
  const dir = tempDir('ret');
  const file = path.join(dir, 'cron.log');
  fs.writeFileSync(file, Buffer.alloc(CRON_LOG_MAX_BYTES + 10, 'a'));
  fs.appendFileSync(file, 'the last line\n');
  assert.ok(pruneLogs(dir, { days: 30, now }).cronLogCut);
  const text = fs.readFileSync(file, 'utf8');
  assert.is(text.length, CRON_LOG_KEEP_BYTES);
  assert.ok(text.endsWith('the last line\n'));
  assert.not.ok(pruneLogs(dir, { days: 30, now }).cronLogCut);
});

test.run();
