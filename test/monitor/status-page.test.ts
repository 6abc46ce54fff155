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
    destination: 'http://127.0.0.1:9000/telegram',
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
    problems: [{ path: '/srv/dl/chan/<script>alert(1)</script>.jpg', kind: 'read-error', detail: 'EIO' }],
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

const page = (o: { timeZone?: string } = {}) =>
  renderStatusPage({
    generatedAt: NOW,
    records,
    host: 'nas',
    checks: [
      { name: 'minio', status: 'pass', detail: '42 objects' },
      { name: 'schedule', status: 'fail', detail: 'last successful sync is 30 h old' },
    ],
    sources: [{ name: 'dl', path: '/srv/dl' }],
    ...o,
  });

// And: the failures; no request made.
it('Chromium renders it: verdict, checks, 30 runs with their bucket, 2 x 30 bars', async () => {
  const dir = tempDir('status');
  const file = path.join(dir, 'status.html');
  fs.writeFileSync(file, page({ timeZone: 'Europe/Berlin' }));
  const browser = await launchChromium({ width: 1200, height: 900 });
  try {
    const tab = await browser.newPage();
    const requests: string[] = [];
    tab.on('request', (r) => requests.push(r.url()));
    await tab.goto(`file://${file}`);
    assert.equal(requests, [`file://${file}`], 'self-contained: nothing else is fetched');
    assert.is(await tab.textContent('#verdict'), 'FAILING');
    assert.equal(await tab.$$eval('#checks tr', (rows) => rows.slice(1).map((r) => r.textContent)), [
      'PASSminio42 objects',
      'FAILschedulelast successful sync is 30 h old',
    ]);
    assert.is(await tab.$$eval('#runs tr', (rows) => rows.length - 1), 30);
    assert.is(await tab.$$eval('svg.wide rect.bar', (bars) => bars.length), 60);
    const tallest = await tab.$$eval('svg.wide rect.bar', (bars) =>
      Math.max(...bars.map((b) => b.getBoundingClientRect().height)),
    );
    assert.ok(tallest > 50, `the bars are drawn (tallest ${tallest}px)`);
    const failures = await tab.$$eval('#failures li', (items) => items.map((i) => i.textContent ?? ''));
    assert.is(failures.length, 3);
    assert.match(failures[1]!, /S3 server unreachable: connect ECONNREFUSED/);
    assert.match(failures[2]!, /: dl\/chan\/<script>alert\(1\)<\/script>\.jpg: EIO/, 'relative to its folder, as text');
    // Every run names where it wrote; times are local (Berlin: UTC+1 in November), UTC on hover.
    const first = await tab.$eval('#runs tr:nth-child(2)', (r) => ({
      time: r.querySelector('time')!.textContent,
      utc: r.querySelector('time')!.getAttribute('title'),
      to: r.querySelector('td.dest')!.textContent,
    }));
    assert.equal(first, { time: '2026-11-25 11:48:00', utc: '2026-11-25 10:48:00 UTC', to: '127.0.0.1:9000/telegram' });
    assert.match(String(await tab.textContent('body')), /times in Europe\/Berlin \(UTC on hover\)/);
  } finally {
    await browser.close();
  }
});

for (const width of [1200, 400]) {
  // And: the axes labelled.
  it(`at ${width} px wide (a desktop, a phone): nothing wider than the page, charts as wide as tables`, async () => {
    const dir = tempDir('status');
    const file = path.join(dir, 'status.html');
    fs.writeFileSync(file, page());
    const browser = await launchChromium({ width, height: 900 });
    try {
      const tab = await browser.newPage();
      await tab.goto(`file://${file}`);
      const visible = width < 600 ? 'svg.narrow' : 'svg.wide';
      const m = await tab.evaluate(
        (visible) => ({
          page: document.documentElement.scrollWidth,
          svg: Math.max(...[...document.querySelectorAll('svg')].map((c) => c.getBoundingClientRect().width)),
          shown: [...document.querySelectorAll('svg')].filter((c) => c.getBoundingClientRect().width > 0).length,
          font: Math.min(
            ...[...document.querySelectorAll('svg text')]
              .map((t) => t.getBoundingClientRect().height)
              .filter((hgt) => hgt > 0),
          ),
          table: document.querySelector('#runs')!.parentElement!.getBoundingClientRect().width,
          yTicks: document.querySelector(visible)!.querySelectorAll('text[text-anchor="end"]').length,
          xTicks: [...document.querySelector(visible)!.querySelectorAll('text[text-anchor="middle"]')].map(
            (t) => t.textContent,
          ),
        }),
        visible,
      );
      assert.ok(m.page <= width, `the page fits: ${m.page} px at ${width}`);
      assert.ok(Math.abs(m.svg - m.table) <= 2, `chart ${m.svg} px, tables ${m.table} px`);
      assert.is(m.shown, 2, 'one drawing of each chart');
      assert.ok(m.font >= 9, `labels readable: ${m.font} px high`);
      assert.is(m.yTicks, 3, 'a y-axis: 0, half, max');
      assert.equal(m.xTicks, ['10-28', '11-04', '11-11', '11-18', '11-25'], 'a date a week');
      const png = path.join(dir, `status-${width}.png`);
      await tab.screenshot({ path: png, fullPage: true });
      assert.ok(fs.statSync(png).size > 10_000, 'a real screenshot');
      if (process.env.STATUS_SCREENSHOT_DIR)
        fs.copyFileSync(png, path.join(process.env.STATUS_SCREENSHOT_DIR, `status-${width}.png`));
    } finally {
      await browser.close();
    }
  });
}

test.run();
