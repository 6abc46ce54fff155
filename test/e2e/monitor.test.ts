// Monitoring end to end: scripts/sync.ts and scripts/test-sync.ts as processes, a real S3 server
// (s3rver), a local Bot API + webhook server on 127.0.0.1 standing in for api.telegram.org,
// Debian's promtool for the metrics file and Debian's Chromium for the status page.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalS3Server } from '../../lib/dev/s3rver.ts';
import { EXIT_CODES } from '../../lib/errors.ts';
import { readRunRecords, RUN_RECORDS_FILE } from '../../lib/report/records.ts';
import { launchChromium, chromiumAvailable } from '../support/browser.ts';
import {
  createSandbox,
  PROJECT_ROOT,
  readLogs,
  runScript,
  startS3Server,
  tempDir,
  TSX_LOADER,
  waitFor,
  writeFile,
  type Sandbox,
} from '../support/env.ts';
import { startNotifyServer, type NotifyServer } from '../support/notify-server.ts';
import { promtoolCheck, samples } from '../support/prom.ts';
import { needing } from '../support/requires.ts';

const test = suite('monitoring (sync and test-sync as processes)');
const tools = fs.existsSync('/usr/bin/promtool')
  ? chromiumAvailable
  : { ok: false as const, why: 'promtool is missing (apt-get install prometheus)' };
const it = needing(test, "Debian's promtool and Chromium", tools);
const TOKEN = '5550001111:AAE-e2e-secret-token_xyz';
let server: LocalS3Server;
let notify: NotifyServer;
let sb: Sandbox;

test.before(async () => {
  server = await startS3Server({ directory: tempDir('s3mon') });
});
test.after(async () => server.close());
test.before.each(async () => {
  notify = await startNotifyServer(TOKEN);
  sb = await createSandbox(server, {
    SYNC_STABLE_SECONDS: '0',
    SYNC_RETRIES: '0',
    NOTIFY_TELEGRAM_BOT_TOKEN: TOKEN,
    NOTIFY_TELEGRAM_CHAT_ID: '-1009998887776',
    NOTIFY_TELEGRAM_API_URL: notify.apiUrl,
    NOTIFY_WEBHOOK_URL: notify.webhookUrl,
  });
});
test.after.each(async () => {
  await notify.close();
  await sb.close();
});

const sync = (env: Record<string, string> = {}) => runScript('sync.ts', [], { ...sb.env, ...env });
const everything = (r: { all?: unknown }) =>
  [
    String(r.all),
    readLogs(sb.env.SYNC_LOG_DIR!),
    fs.readFileSync(path.join(sb.env.SYNC_LOG_DIR!, RUN_RECORDS_FILE), 'utf8'),
  ].join('\n');

it('a failed sync (S3 server down) sends exactly one message naming the failure; the token is nowhere', async () => {
  writeFile(sb.downloads, 'a.jpg', 'a');
  const r = await sync({ MINIO_ENDPOINT: 'http://127.0.0.1:9' });
  assert.is(r.exitCode, EXIT_CODES.storageUnreachable, r.all);
  assert.is(notify.telegram().length, 1);
  const text = String(notify.telegram()[0]!.body.text);
  console.log(
    `  the message:\n${text
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}`,
  );
  const headline =
    /^❌ telegram-sync on .*: sync FAILED \(exit 5: the S3 server could not be reached or stopped answering\)/;
  assert.match(text, new RegExp(`${headline.source}\\n.*(ECONNREFUSED|unreachable)`));
  assert.match(text, /look further: cd .* && npx zx scripts\/test-sync\.ts --no-sync/);
  assert.is(notify.webhook().length, 1);
  assert.equal(
    [notify.webhook()[0]!.body.text, (notify.webhook()[0]!.body.run as { exitCode: number }).exitCode],
    [text, 5],
  );
  assert.not.ok(everything(r).includes(TOKEN), 'the token is in no output, log line or run record');
});

it('a clean run: no message under failure, one under always; change sends one on recovery', async () => {
  writeFile(sb.downloads, 'b.jpg', 'b');
  assert.is((await sync()).exitCode, 0);
  assert.is(notify.received.length, 0, 'NOTIFY_ON=failure: nothing for a clean run');
  const usage = await runScript('sync.ts', ['--process-only'], sb.env);
  assert.is(usage.exitCode, EXIT_CODES.config, usage.all);
  assert.is(notify.received.length, 0, 'a usage mistake is answered on the terminal, not notified');
  const always = await sync({ NOTIFY_ON: 'always' });
  assert.is(always.exitCode, 0);
  assert.match(String(notify.telegram()[0]?.body.text), /^✅ telegram-sync on .*: sync ok\nuploaded 0 /);
  writeFile(sb.downloads, 'c.jpg', 'c');
  assert.is((await sync({ NOTIFY_ON: 'change', MINIO_ENDPOINT: 'http://127.0.0.1:9' })).exitCode, 5);
  assert.is((await sync({ NOTIFY_ON: 'change' })).exitCode, 0);
  assert.is((await sync({ NOTIFY_ON: 'change' })).exitCode, 0);
  const texts = notify.telegram().map((m) => String(m.body.text));
  assert.is(texts.length, 3, texts.join('\n---\n'));
  assert.match(texts[2]!, /sync ok \(recovered after 1 failure\(s\)\)\nuploaded 1 /);
});

it('the notification server down: the exit code is unchanged and the log says the message was not delivered', async () => {
  await notify.close();
  writeFile(sb.downloads, 'd.jpg', 'd');
  const clean = await sync({ NOTIFY_ON: 'always' });
  assert.is(clean.exitCode, 0, clean.all);
  const failed = await sync({ MINIO_ENDPOINT: 'http://127.0.0.1:9' });
  assert.is(failed.exitCode, EXIT_CODES.storageUnreachable);
  assert.match(
    readLogs(sb.env.SYNC_LOG_DIR!),
    /the notification was not delivered to Telegram after 3 attempt\(s\): fetch failed \(connect ECONNREFUSED/,
  );
  assert.not.ok(everything(failed).includes(TOKEN));
  notify = await startNotifyServer(TOKEN); // for after.each
});

it("the metrics file: promtool accepts it and its values are the run record's", async () => {
  const file = path.join(sb.dir, 'textfile', 'telegram_sync.prom');
  for (let i = 0; i < 3; i++) writeFile(sb.downloads, `m/${i}.bin`, `metrics ${i}`.repeat(100));
  writeFile(sb.downloads, 'm/partial.bin.tmp', 'x');
  assert.is((await sync({ SYNC_METRICS_FILE: file })).exitCode, 0);
  const text = fs.readFileSync(file, 'utf8');
  const check = await promtoolCheck(text);
  assert.is(check.exitCode, 0, check.all);
  console.log(
    `  the metrics file of one run:\n${text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => `    ${l}`)
      .join('\n')}`,
  );
  const run = readRunRecords(sb.env.SYNC_LOG_DIR!).at(-1)!;
  const m = samples(text);
  assert.is(m.get('telegram_sync_last_run_files{result="uploaded"}'), run.uploaded);
  assert.is(run.uploaded, 3);
  assert.is(m.get('telegram_sync_last_run_uploaded_bytes'), run.bytesUploaded);
  assert.is(m.get('telegram_sync_last_run_skipped_files{reason="partial"}'), 1);
  assert.is(m.get('telegram_sync_last_run_duration_seconds'), run.durationMs / 1000);
  assert.is(m.get('telegram_sync_last_success_timestamp_seconds'), Date.parse(run.finishedAt) / 1000);
  assert.is(m.get('telegram_sync_last_run_exit_code'), 0);
});

it('test-sync --html: the page Chromium renders shows the runs of the records the test wrote; unhealthy is notified', async () => {
  const records = path.join(sb.env.SYNC_LOG_DIR!, RUN_RECORDS_FILE);
  fs.mkdirSync(path.dirname(records), { recursive: true });
  const day = (n: number) => new Date(Date.now() - n * 86400_000).toISOString();
  const lines = [5, 4, 3, 2].map((n, i) =>
    JSON.stringify({
      runId: `run-${n}`,
      startedAt: day(n),
      finishedAt: day(n),
      durationMs: 4000 + i,
      dryRun: false,
      force: false,
      status: n === 3 ? 'partial' : 'ok',
      uploaded: 10 * n,
      bytesUploaded: 1e6 * n,
      failed: n === 3 ? 1 : 0,
      conflicts: 0,
      skipped: {},
      uploadedObjects: [],
      problems: n === 3 ? [{ path: '/dl/broken.mp4', kind: 'read-error', detail: 'EIO: i/o error, read' }] : [],
    }),
  );
  fs.writeFileSync(records, lines.join('\n') + '\n');
  const html = path.join(sb.dir, 'status.html');
  const r = await runScript('test-sync.ts', ['--no-sync', '--html', html], sb.env);
  assert.is(r.exitCode, EXIT_CODES.unhealthy, r.all); // the last success is 2 days old
  assert.match(
    String(notify.telegram()[0]?.body.text),
    /health check FAILED \(exit 8: a health check failed\)\n.*schedule: /,
  );
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${html}`);
    assert.is(await page.textContent('#verdict'), 'FAILING');
    const rows = await page.$$eval('#runs tr', (trs) =>
      trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    assert.equal(
      rows.map((c) => [c[1], c[4]]),
      [
        ['ok', '20'],
        ['partial', '30'],
        ['ok', '40'],
        ['ok', '50'],
      ],
    );
    // A path outside the download folders is shown by its name only (the page may be served to others).
    assert.match((await page.textContent('#failures')) ?? '', /: broken\.mp4: EIO: i\/o error, read/);
    assert.match((await page.textContent('#checks')) ?? '', /FAIL\s*schedule/);
    const png = path.join(sb.dir, 'status.png');
    await page.screenshot({ path: png, fullPage: true });
    if (process.env.STATUS_SCREENSHOT) fs.copyFileSync(png, process.env.STATUS_SCREENSHOT);
  } finally {
    await browser.close();
  }
});

it('watch mode with SYNC_METRICS_LISTEN: /metrics counts the uploads, /healthz is 200, /status is the page', async () => {
  const port = 20000 + (process.pid % 20000);
  const child = execa(
    process.execPath,
    ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--watch'],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env, SYNC_METRICS_LISTEN: `127.0.0.1:${port}` },
      extendEnv: false,
      reject: false,
      all: true,
    },
  );
  try {
    await waitFor('caught up', () => readLogs(sb.env.SYNC_LOG_DIR!).includes('caught up'));
    assert.match(readLogs(sb.env.SYNC_LOG_DIR!), new RegExp(`serving http://127\\.0\\.0\\.1:${port}/metrics`));
    writeFile(sb.downloads, 'w/one.jpg', 'one');
    const url = `http://127.0.0.1:${port}/`;
    await waitFor(
      'the upload counted',
      async () =>
        samples(await (await fetch(`${url}metrics`)).text()).get(
          'telegram_sync_watch_files_total{result="uploaded"}',
        ) === 1,
    );
    const text = await (await fetch(`${url}metrics`)).text();
    assert.is((await promtoolCheck(text)).exitCode, 0);
    assert.is((await fetch(`${url}healthz`)).status, 200);
    assert.match(await (await fetch(`${url}status`)).text(), /^<!doctype html>/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.is((await child).exitCode, 0);
});

test.run();
