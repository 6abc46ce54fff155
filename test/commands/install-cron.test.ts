// scripts/install-cron.ts against Debian's real crontab and cron daemon. Restores root's crontab.
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cronCommandForShell } from '../../lib/cron/crontab.ts';
import { EXIT_CODES } from '../../lib/errors.ts';
import type { LocalS3Server } from '../../lib/dev/s3rver.ts';
import { needing } from '../support/requires.ts';
import {
  createSandbox,
  listBucket,
  runScript,
  startS3Server,
  tempDir,
  writeFile,
  type Sandbox,
} from '../support/env.ts';

const test = suite('install-cron (real crontab, real cron)');
const cronInstalled = ['/usr/bin/crontab', '/usr/sbin/cron'].every((p) => fs.existsSync(p));
const it = needing(
  test,
  "Debian's cron (crontab and the cron daemon)",
  cronInstalled
    ? { ok: true }
    : { ok: false, why: 'crontab or cron is missing (apt-get install cron; .ci/run does this)' },
);
const USER_TABLE =
  '# unrelated jobs of the user\nMAILTO=""\nSHELL=/bin/sh\n17 * * * * /bin/true  # hourly no-op, keep me\n\n# trailing comment\n';
let saved: string | undefined;
let server: LocalS3Server;
let sb: Sandbox;
let envFile: string;

const crontabList = async () => {
  const r = await execa('crontab', ['-l'], { reject: false, stripFinalNewline: false });
  return r.exitCode === 0 ? r.stdout : undefined;
};
const crontabSet = async (content: string | undefined) => {
  if (content === undefined) await execa('crontab', ['-r'], { reject: false });
  else await execa('crontab', ['-'], { input: content });
};
const installCron = (args: string[]) => runScript('install-cron.ts', ['--config', envFile, ...args], {});

test.before(async () => {
  if (!cronInstalled) return;
  saved = await crontabList();
  server = await startS3Server({ directory: tempDir('s3cron') });
  sb = await createSandbox(server);
  envFile = path.join(sb.dir, 'cron.env');
  fs.writeFileSync(
    envFile,
    Object.entries(sb.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
});
test.after(async () => {
  if (!cronInstalled) return;
  await crontabSet(saved);
  await sb.close();
  await server.close();
});

it('install keeps every other line byte for byte; reinstall replaces in place; uninstall restores exactly', async () => {
  await crontabSet(USER_TABLE);
  const first = await installCron([]);
  assert.is(first.exitCode, 0, first.all);
  assert.match(first.stdout, /next five runs \(/);
  assert.is((first.stdout.match(/^ {2}\w{3} \d{4}-\d\d-\d\d 03:00$/gm) ?? []).length, 5);
  const installed = (await crontabList())!;
  assert.ok(installed.startsWith(USER_TABLE), 'user lines kept byte for byte');
  assert.match(installed, /^0 3 \* \* \* cd /m);

  const again = await installCron(['--schedule', '30 4 * * 1-5']);
  assert.is(again.exitCode, 0, again.all);
  assert.match(again.stdout, /replaced the telegram-sync entry/);
  const replaced = (await crontabList())!;
  assert.is((replaced.match(/# BEGIN telegram-sync/g) ?? []).length, 1);
  assert.match(replaced, /^30 4 \* \* 1-5 cd /m);
  assert.not.match(replaced, /^0 3 \* \* \*/m);
  assert.ok(replaced.startsWith(USER_TABLE));

  const gone = await installCron(['--uninstall']);
  assert.is(gone.exitCode, 0, gone.all);
  assert.is(await crontabList(), USER_TABLE);
});

it('"no crontab for user" is handled; uninstall then removes the table it created', async () => {
  await crontabSet(undefined);
  const r = await installCron([]);
  assert.is(r.exitCode, 0, r.all);
  assert.match((await crontabList())!, /^# BEGIN telegram-sync/);
  await installCron(['--uninstall']);
  assert.is(await crontabList(), undefined);
});

it('invalid schedules are refused with a reason and nothing changes; --print and --dry-run install nothing', async () => {
  await crontabSet(USER_TABLE);
  for (const [schedule, reason] of [
    ['61 3 * * *', /expected range 0-59/],
    ['0 3 * *', /expected 5 fields/],
    ['every night', /expected 5 fields/],
  ] as const) {
    const r = await installCron(['--schedule', schedule]);
    assert.is(r.exitCode, EXIT_CODES.config, schedule);
    assert.match(r.stderr, reason);
  }
  const bad = await runScript('install-cron.ts', ['--config', envFile], {
    CRON_SCHEDULE: '0 3 * * *',
    CRON_TZ: 'Nowhere/City',
  });
  assert.is(bad.exitCode, EXIT_CODES.config);
  assert.match(bad.stderr, /CRON_TZ: expected an IANA time zone like "Europe\/Berlin", got "Nowhere\/City"/);
  assert.not.match(bad.stderr, /CRON_SCHEDULE:/);
  const printed = await installCron(['--print']);
  assert.match(printed.stdout, /# BEGIN telegram-sync/);
  const dry = await installCron(['--dry-run']);
  assert.match(dry.stdout, /\[dry-run\] the crontab would become:\n# unrelated jobs of the user/);
  assert.is(await crontabList(), USER_TABLE, 'nothing changed');
});

it('on a fresh clone without a configuration, --print and --dry-run work (with a warning) and installing refuses', async () => {
  await crontabSet(USER_TABLE);
  const bare = { HOME: tempDir('bare-home') };
  const cwd = tempDir('no-config');
  const printed = await runScript('install-cron.ts', ['--print'], bare, { cwd });
  assert.is(printed.exitCode, 0, printed.all);
  assert.match(printed.stdout, /^0 3 \* \* \* cd /m);
  assert.match(printed.stderr, /warning: the job will fail until the configuration is fixed/);
  const dry = await runScript('install-cron.ts', ['--dry-run'], bare, { cwd });
  assert.is(dry.exitCode, 0, dry.all);
  assert.match(dry.stdout, /\[dry-run\] the crontab would become:/);
  const install = await runScript('install-cron.ts', [], bare, { cwd });
  assert.is(install.exitCode, EXIT_CODES.config, install.all);
  assert.match(install.stderr, /MINIO_ENDPOINT: expected/);
  assert.is(await crontabList(), USER_TABLE, 'nothing changed');
});

it('a crontab that refuses the table changes nothing and says why', async () => {
  await crontabSet(USER_TABLE);
  const r = await runScript('install-cron.ts', ['--config', envFile, '--schedule', '@daily'], { CRON_TZ: '' }, {});
  assert.is(r.exitCode, 0, r.all);
  // A crontab binary that always refuses: a real program on PATH, not a mock of ours.
  const binDir = tempDir('fakecrontab');
  fs.writeFileSync(
    path.join(binDir, 'crontab'),
    '#!/bin/sh\nif [ "$1" = "-l" ]; then exec /usr/bin/crontab -l; fi\necho "crontab: errors in crontab file, can\'t install." >&2\nexit 1\n',
    { mode: 0o755 },
  );
  const before = await crontabList();
  const refused = await runScript('install-cron.ts', ['--config', envFile, '--schedule', '5 5 * * *'], {
    PATH: `${binDir}:${process.env.PATH}`,
  });
  assert.is(refused.exitCode, EXIT_CODES.cron, refused.all);
  assert.match(refused.stderr, /crontab refused the new table.*nothing was changed/);
  assert.is(await crontabList(), before);
  const missing = await runScript('install-cron.ts', ['--config', envFile], { PATH: tempDir('emptypath') });
  assert.is(missing.exitCode, EXIT_CODES.cron, missing.all);
  assert.match(missing.stderr, /crontab program was not found/);
});

it("the rendered command runs a real sync in cron's bare environment (env -i, sh -c)", async () => {
  writeFile(sb.downloads, 'cron chan/bare env.txt', 'synced from a bare environment');
  const printed = await installCron(['--print']);
  const line = printed.stdout.split('\n').find((l) => l.includes('scripts/launch.mjs sync'))!;
  const command = cronCommandForShell(line.trim().split(/\s+/).slice(5).join(' '));
  const home = tempDir('home');
  const r = await execa('env', ['-i', 'SHELL=/bin/sh', 'PATH=/usr/bin:/bin', `HOME=${home}`, 'sh', '-c', command], {
    cwd: '/',
    reject: false,
  });
  assert.is(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  const cronLog = fs.readFileSync(path.join(sb.env.SYNC_LOG_DIR!, 'cron.log'), 'utf8');
  assert.match(cronLog, /uploaded cron_chan\/bare_env\.txt/);
  assert.match(cronLog, /sync ok/);
  assert.ok((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).some((o) => o.key === 'cron_chan/bare_env.txt'));
});

it('the cron daemon fires the installed job (every minute) within 75 seconds', async () => {
  await crontabSet(USER_TABLE);
  writeFile(sb.downloads, 'fired/by cron.txt', 'cron was here');
  const cronLogFile = path.join(sb.env.SYNC_LOG_DIR!, 'cron.log');
  const before = fs.existsSync(cronLogFile) ? fs.readFileSync(cronLogFile, 'utf8').length : 0;
  let daemon: ResultPromise | undefined;
  const running = (await execa('pgrep', ['-x', 'cron'], { reject: false })).exitCode === 0;
  if (!running) daemon = execa('cron', ['-f'], { reject: false });
  // Debian's cron notices a crontab change by the spool's mtime in whole seconds: install in a
  // later second than the table it loaded at start-up, or the change goes unseen.
  await new Promise((res) => setTimeout(res, 2100));
  try {
    const r = await installCron(['--schedule', '* * * * *']);
    assert.is(r.exitCode, 0, r.all);
    const deadline = Date.now() + 75_000;
    let fired = false;
    while (Date.now() < deadline && !fired) {
      await new Promise((res) => setTimeout(res, 1000));
      const text = fs.existsSync(cronLogFile) ? fs.readFileSync(cronLogFile, 'utf8').slice(before) : '';
      fired = /run\.summary: sync ok/.test(text);
    }
    const text = fs.existsSync(cronLogFile) ? fs.readFileSync(cronLogFile, 'utf8').slice(before) : '';
    assert.ok(fired, `the cron daemon ran the job within 75 s; cron.log says: ${text}`);
    console.log(
      `  cron fired; its log lines:\n${text
        .split('\n')
        .filter((l) => /run\.(start|summary)|upload\.done/.test(l))
        .map((l) => `    ${l}`)
        .join('\n')}`,
    );
    assert.match(text, /uploaded fired\/by_cron\.txt/);
    assert.ok((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).some((o) => o.key === 'fired/by_cron.txt'));
  } finally {
    await installCron(['--uninstall']);
    daemon?.kill();
    await daemon;
  }
  assert.is(await crontabList(), USER_TABLE);
});

test.run();
