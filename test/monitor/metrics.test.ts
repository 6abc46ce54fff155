// lib/monitor/metrics.ts: the text prom-client writes, checked by Debian's real `promtool check
// metrics`, with values matching the run; the file replaced atomically.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastRunRegistry, WatchTotals, writeMetricsFile } from '../../lib/monitor/metrics.ts';
import { outcomeOfRun } from '../../lib/monitor/outcome.ts';
import { failedRunSummary } from '../../lib/report/summary.ts';
import { promtoolCheck, samples } from '../support/prom.ts';
import { needing } from '../support/requires.ts';
import { tempDir } from '../support/env.ts';

const promtool = fs.existsSync('/usr/bin/promtool')
  ? { ok: true as const }
  : { ok: false as const, why: 'promtool is missing (apt-get install prometheus; .ci/run does this)' };
const it = needing(test, "Debian's promtool", promtool);
const base = failedRunSummary({
  runId: 'r1',
  startedAt: new Date('2026-11-25T03:00:00Z'),
  finishedAt: new Date('2026-11-25T03:00:12.500Z'),
  force: false,
  error: '',
});
const run = {
  ...base,
  status: 'partial' as const,
  error: undefined,
  uploaded: 7,
  deduplicated: 2,
  adopted: 1,
  failed: 1,
  bytesUploaded: 123456,
  skipped: { partial: 3, hidden: 1 },
  processing: { ran: true, reason: 'new objects', exitCode: 0, durationMs: 4200 },
};

it("promtool accepts the last run's metrics, and the values are the run's", async () => {
  const text = await lastRunRegistry({
    last: outcomeOfRun('sync', run, 3),
    lastSuccessAt: '2026-11-24T03:00:10.000Z',
  }).metrics();
  const r = await promtoolCheck(text);
  assert.is(r.exitCode, 0, r.all);
  assert.is(r.all, '', 'no lint complaint either');
  const m = samples(text);
  assert.is(
    m.get('telegram_sync_last_run_timestamp_seconds{source="sync"}'),
    Date.parse('2026-11-25T03:00:12.500Z') / 1000,
  );
  assert.is(m.get('telegram_sync_last_success_timestamp_seconds'), Date.parse('2026-11-24T03:00:10Z') / 1000);
  assert.is(m.get('telegram_sync_last_run_success'), 0);
  assert.is(m.get('telegram_sync_last_run_exit_code'), 3);
  assert.is(m.get('telegram_sync_last_run_duration_seconds'), 12.5);
  assert.is(m.get('telegram_sync_last_run_files{result="uploaded"}'), 7);
  assert.is(m.get('telegram_sync_last_run_files{result="failed"}'), 1);
  assert.is(m.get('telegram_sync_last_run_uploaded_bytes'), 123456);
  assert.is(m.get('telegram_sync_last_run_skipped_files{reason="partial"}'), 3);
  assert.is(m.get('telegram_sync_last_processing_success'), 1);
  assert.is(m.get('telegram_sync_last_processing_duration_seconds'), 4.2);
});

it('watch totals add up every batch, and promtool accepts them', async () => {
  const t = new WatchTotals();
  t.add(outcomeOfRun('watch', { ...run, status: 'ok' }, 0));
  t.add(outcomeOfRun('watch', { ...run, status: 'ok' }, 0));
  const text = await t.registry.metrics();
  assert.is((await promtoolCheck(text)).exitCode, 0);
  assert.is(samples(text).get('telegram_sync_watch_files_total{result="uploaded"}'), 14);
  assert.is(samples(text).get('telegram_sync_watch_runs_total{result="ok"}'), 2);
});

test('the file is replaced whole (a temporary file, then a rename)', () => {
  const file = path.join(tempDir('prom'), 'textfile', 'telegram_sync.prom');
  writeMetricsFile(file, 'a 1\n');
  writeMetricsFile(file, 'a 2\n');
  assert.is(fs.readFileSync(file, 'utf8'), 'a 2\n');
  assert.equal(fs.readdirSync(path.dirname(file)), ['telegram_sync.prom']);
});

test.run();
