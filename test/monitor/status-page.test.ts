// lib/monitor/status-page.ts rendered by Debian's real Chromium (headless, through playwright-core):
// the assertions are on the page as drawn, and the PNG it renders is kept with the test's files.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { perDay, renderStatusPage } from '../../lib/monitor/status-page.ts';
import { failedRunSummary, type RunSummary } from '../../lib/report/summary.ts';
import { launchChromium, chromiumAvailable } from '../support/browser.ts';
import { tempDir } from '../support/env.ts';
import { needing } from '../support/requires.ts';

const it = needing(test, "Debian's Chromium", chromiumAvailable);
const NOW = new Date('2026-11-25T12:00:00Z');
const run = (daysAgo: number, over: Partial<RunSummary> = {}): RunSummary => {
  const end = new Date(NOW.getTime() - daysAgo * 86400_000);
  return {
    ...failedRunSummary({
      runId: `r${daysAgo}`,
      startedAt: new Date(end.getTime() - 9000),
      finishedAt: end,
      force: false,
      error: '',
    }),
    status: 'ok',
    error: undefined,
    uploaded: 10 + daysAgo,
    bytesUploaded: (10 + daysAgo) * 1e6,
    ...over,
  } as RunSummary;
};
// 40 nightly runs; two failed, one with a hostile message.
const records = [
  ...Array.from({ length: 40 }, (_, i) => run(39 - i)),
  run(0.1, {
    status: 'partial',
    uploaded: 3,
    failed: 2,
    problems: [{ path: '/dl/<script>alert(1)</script>.jpg', kind: 'read-error', detail: 'EIO' }],
  }),
  run(0.05, {
    status: 'error',
    uploaded: 0,
    bytesUploaded: 0,
    error: 'S3 server unreachable: connect ECONNREFUSED 127.0.0.1:9000',
  }),
];

test('uploads per day: 30 days ending today, empty days zero', () => {
  const days = perDay([run(0), run(1), run(45)], NOW);
  assert.is(days.length, 30);
  assert.equal(days.at(-1), { day: '2026-11-25', files: 10, bytes: 1e7 });
  assert.is(
    days.reduce((n, d) => n + d.files, 0),
    21,
    'today and yesterday; not 45 days ago',
  );
});

it('Chromium renders it: verdict, checks, 30 runs, 2 x 30 bars, the failures with their messages, no request made', async () => {
  const html = renderStatusPage({
    generatedAt: NOW,
    records,
    host: 'nas',
    checks: [
      { name: 'minio', status: 'pass', detail: '42 objects' },
      { name: 'schedule', status: 'fail', detail: 'last successful sync is 30 h old' },
    ],
  });
  const dir = tempDir('status');
  const file = path.join(dir, 'status.html');
  fs.writeFileSync(file, html);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    assert.equal(requests, [`file://${file}`], 'self-contained: nothing else is fetched');
    assert.is(await page.textContent('#verdict'), 'FAILING');
    assert.equal(await page.$$eval('#checks tr', (rows) => rows.slice(1).map((r) => r.textContent)), [
      'PASSminio42 objects',
      'FAILschedulelast successful sync is 30 h old',
    ]);
    assert.is(await page.$$eval('#runs tr', (rows) => rows.length - 1), 30);
    assert.is(await page.$$eval('svg rect.bar', (bars) => bars.length), 60);
    const tallest = await page.$$eval('svg rect.bar', (bars) =>
      Math.max(...bars.map((b) => b.getBoundingClientRect().height)),
    );
    assert.ok(tallest > 50, `the bars are drawn (tallest ${tallest}px)`);
    const failures = await page.$$eval('#failures li', (items) => items.map((i) => i.textContent ?? ''));
    assert.is(failures.length, 3);
    assert.match(failures[1]!, /S3 server unreachable: connect ECONNREFUSED/);
    assert.match(failures[2]!, /<script>alert\(1\)<\/script>\.jpg: EIO/, 'a hostile name is shown as text, not run');
    const png = path.join(dir, 'status.png');
    await page.screenshot({ path: png, fullPage: true });
    assert.ok(fs.statSync(png).size > 10_000, 'a real screenshot');
    if (process.env.STATUS_SCREENSHOT) fs.copyFileSync(png, process.env.STATUS_SCREENSHOT);
  } finally {
    await browser.close();
  }
});

test.run();
