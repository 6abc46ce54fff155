// The whole pipeline on one machine: a real Docker engine (no bridge network), a downloader
// container writing files the way tdl does, a "minio" container serving S3 on 127.0.0.1, a django
// container running the fixture project against Debian's PostgreSQL. Only the fixture project
// (test/fixtures/django_project) is written for the test; it stands in for the user's own.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import { cronCommandForShell } from '../../lib/cron/crontab.ts';
import { EXIT_CODES } from '../../lib/errors.ts';
import { readRunRecords } from '../../lib/report/records.ts';
import {
  listBucket,
  PROJECT_ROOT,
  readLogs,
  runScript,
  tempDir,
  TSX_LOADER,
  waitFor,
  writeFile,
} from '../support/env.ts';
import { needing } from '../support/requires.ts';
import * as Minio from 'minio';
import {
  createStack,
  deleteRow,
  docker,
  DOCKER_HOST,
  ensureHostImage,
  freePort,
  processedRows,
  removeContainers,
  startDockerEngine,
  startPostgres,
  stopDockerEngine,
  stopPostgres,
} from '../support/stack.ts';

const test = suite('end to end: docker + django + postgres');
// The engine and PostgreSQL are started (or found) before the tests are defined, so a machine
// without them counts these tests as skipped (or, under CI=true, as failed), never as passed.
const engine = await startDockerEngine();
const pg = engine.ok ? await startPostgres() : engine;
const it = needing(test, 'the Docker engine and PostgreSQL', pg.ok ? engine : pg);
let setupError: unknown; // uvu hides errors thrown by hooks: keep it and fail every test with it
let base: string;
let downloads: string;
let djangoState: string;
let envFile: string;
let cronLog: string;
let client: Minio.Client;
const BUCKET = 'telegram';

const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const completedFiles = () => fs.readdirSync(downloads).filter((n) => !n.endsWith('.tmp') && !n.startsWith('.'));
const containerStatus = async (name: string) =>
  (await docker(['inspect', '--format', '{{.State.Status}}', name], { reject: false })).stdout.trim();
const settle = () => new Promise((r) => setTimeout(r, 1500)); // SYNC_STABLE_SECONDS=1
const keyOf = (name: string) => name.replace(/\s/g, '_');

// Run scripts/sync.ts exactly as the installed cron entry does, in cron's bare environment.
async function runAsCron(): Promise<{ exitCode: number; output: string }> {
  const printed = await runScript('install-cron.ts', ['--config', envFile, '--print'], {});
  const line = printed.stdout.split('\n').find((l) => l.includes('scripts/launch.mjs sync'))!;
  const command = cronCommandForShell(line.trim().split(/\s+/).slice(5).join(' '));
  const before = fs.existsSync(cronLog) ? fs.readFileSync(cronLog, 'utf8').length : 0;
  const r = await execa('env', ['-i', 'SHELL=/bin/sh', 'PATH=/usr/bin:/bin', `HOME=${base}`, 'sh', '-c', command], {
    cwd: '/',
    reject: false,
    timeout: 300_000,
  });
  return { exitCode: r.exitCode ?? -1, output: fs.readFileSync(cronLog, 'utf8').slice(before) };
}
const sync = (args: string[], env: Record<string, string> = {}) =>
  runScript('sync.ts', ['--config', envFile, ...args], { DOCKER_HOST, ...env }, { timeoutMs: 300_000 });
const testSync = (args: string[], env: Record<string, string> = {}) =>
  runScript('test-sync.ts', ['--config', envFile, ...args], { DOCKER_HOST, ...env }, { timeoutMs: 300_000 });

test.before(async () => {
  if (!engine.ok || !pg.ok) return;
  try {
    await setUp();
  } catch (e) {
    setupError = e;
  }
});

async function setUp(): Promise<void> {
  await ensureHostImage();
  base = tempDir('stack');
  downloads = path.join(base, 'downloads');
  djangoState = path.join(base, 'django-state');
  const s3Dir = path.join(base, 's3');
  for (const d of [downloads, djangoState, s3Dir]) fs.mkdirSync(d, { recursive: true });
  const s3Port = await freePort();
  await createStack({ s3Port, s3Dir, downloads, djangoState, bucket: BUCKET });
  envFile = path.join(base, 'stack.env');
  cronLog = path.join(base, 'logs', 'cron.log');
  fs.writeFileSync(
    envFile,
    [
      `MINIO_ENDPOINT=http://127.0.0.1:${s3Port}`,
      'MINIO_ACCESS_KEY=S3RVER',
      'MINIO_SECRET_KEY=S3RVER',
      `MINIO_BUCKET=${BUCKET}`,
      `SYNC_DOWNLOAD_DIRS=${downloads}`,
      `SYNC_CACHE_FILE=${base}/state/file_hashes.json`,
      `SYNC_LOCK_FILE=${base}/state/sync.lock`,
      `SYNC_LOG_DIR=${base}/logs`,
      'SYNC_STABLE_SECONDS=1',
      'SYNC_RETRIES=2',
      'SYNC_RETRY_BASE_MS=100',
      'SYNC_CONTAINERS=telegram-downloader,minio',
      'DJANGO_CONTAINER=django',
      'PROCESS_COMMAND=python manage.py process_scrap',
      'PROCESS_TIMEOUT_SECONDS=120',
      `DOCKER_HOST=${DOCKER_HOST}`,
      'HEALTH_MODEL=scrap.ProcessedFile',
      'HEALTH_KEY_FIELD=key',
      'HEALTH_TIME_FIELD=processed_at',
    ].join('\n') + '\n',
  );
  client = new Minio.Client({
    endPoint: '127.0.0.1',
    port: s3Port,
    useSSL: false,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    pathStyle: true,
  });
  console.log(
    `  stack up: engine ${DOCKER_HOST}, S3 in container "minio" on 127.0.0.1:${s3Port}, PostgreSQL 127.0.0.1:5432\n${(await docker(['ps', '--format', '    {{.Names}}\t{{.Status}}\t{{.Image}}'])).stdout}`,
  );
}

test.after(async () => {
  if (!engine.ok || !pg.ok) return;
  await removeContainers().catch(() => undefined);
  await stopDockerEngine({ cleanUp: true });
  await stopPostgres();
});

it('as cron runs it: the stopped downloader is started again, only completed files are uploaded, processed into PostgreSQL, and test-sync is healthy', async () => {
  if (setupError) throw setupError;
  const deadline = Date.now() + 60_000;
  while (completedFiles().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  await docker(['stop', '-t', '1', 'telegram-downloader', 'minio']);
  assert.is(await containerStatus('telegram-downloader'), 'exited');
  assert.is(await containerStatus('minio'), 'exited');
  const before = completedFiles();
  assert.ok(before.length >= 2, `downloader produced ${before.length} files`);
  await settle();

  const r = await runAsCron();
  assert.is(r.exitCode, 0, r.output);
  assert.is(await containerStatus('telegram-downloader'), 'running', 'the downloader was started again');
  assert.match(r.output, /container telegram-downloader is exited; starting it/);
  assert.match(
    r.output,
    /container minio is exited; starting it[\s\S]*container minio is running and healthy[\s\S]*upload\.done/,
    'waits for MinIO to be healthy before uploading',
  );
  assert.is(await containerStatus('minio'), 'running');

  const objects = await listBucket(client, BUCKET);
  const byKey = new Map(objects.map((o) => [o.key, o]));
  for (const name of before)
    assert.is(byKey.get(keyOf(name))?.sha256, sha(path.join(downloads, name)), `${name} uploaded intact`);
  for (const o of objects) {
    assert.not.ok(o.key.endsWith('.tmp'), `no partial in the bucket: ${o.key}`);
    const local = completedFiles().find((n) => keyOf(n) === o.key);
    assert.ok(local, `${o.key} is a completed local file`);
    assert.is(o.sha256, sha(path.join(downloads, local!)));
  }
  const rows = await processedRows();
  assert.equal(rows.map((x) => x.key).sort(), objects.map((o) => o.key).sort(), 'a row in PostgreSQL for every object');
  for (const row of rows) assert.is(row.sha256, byKey.get(row.key)?.sha256);
  assert.match(r.output, /process\.output: process_scrap: \d+ new object\(s\) recorded/);
  console.log(
    `  bucket after the cron-style run: ${objects.map((o) => o.key).join(', ')}\n  rows in scrap_processedfile: ${rows.map((x) => `${x.key} (${x.size} B)`).join(', ')}`,
  );

  const health = await testSync([]);
  console.log(
    `  scripts/test-sync.ts report:\n${health.stdout
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}`,
  );
  assert.is(health.exitCode, 0, health.all);
  for (const check of ['sync', 'minio', 'database', 'schedule'])
    assert.match(health.stdout, new RegExp(`^PASS ${check}: `, 'm'));
  assert.match(health.stdout, /pipeline HEALTHY/);
});

it('watch mode with the real engine: a burst of downloads reaches the bucket and PostgreSQL, with one docker exec for the burst', async () => {
  if (setupError) throw setupError;
  const logDir = path.join(base, 'logs');
  const execs = () => (readLogs(logDir).match(/docker exec django python manage\.py process_scrap/g) ?? []).length;
  const child = execa(
    process.execPath,
    ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--config', envFile, '--watch'],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DOCKER_HOST,
        PROCESS_DEBOUNCE_SECONDS: '3',
        PROCESS_MIN_INTERVAL_SECONDS: '0',
      },
      extendEnv: false,
      reject: false,
      all: true,
    },
  );
  try {
    await waitFor('the watch to catch up', () => readLogs(logDir).includes('caught up'));
    await docker(['stop', '-t', '1', 'telegram-downloader']); // from here on only the burst below arrives
    const owed = path.join(base, 'state', 'processing.owed');
    await waitFor('what the catch-up uploaded to be processed', () => !fs.existsSync(owed));
    const before = execs();
    const names = Array.from({ length: 40 }, (_, i) => `-100777_${i}_burst ${i}.jpg`);
    for (const name of names) {
      writeFile(downloads, `${name}.tmp`, crypto.randomBytes(20_000)); // as tdl does: write, then rename
      fs.renameSync(path.join(downloads, `${name}.tmp`), path.join(downloads, name));
    }
    const keys = names.map(keyOf);
    await waitFor('a row for every file of the burst', async () => {
      const rows = new Set((await processedRows()).map((x) => x.key));
      return keys.every((k) => rows.has(k));
    });
    await waitFor('nothing owed', () => !fs.existsSync(owed));
    child.kill('SIGTERM');
    const r = await child;
    assert.is(r.exitCode, 0, r.all);
    assert.is(execs() - before, 1, 'one docker exec for the whole burst');
    const objects = new Map((await listBucket(client, BUCKET)).map((o) => [o.key, o]));
    for (const [i, name] of names.entries())
      assert.is(objects.get(keys[i]!)?.sha256, sha(path.join(downloads, name)), `${name} uploaded intact`);
    assert.not.ok(
      [...objects.keys()].some((k) => k.endsWith('.tmp')),
      'no partial in the bucket',
    );
  } finally {
    child.kill('SIGKILL');
    await docker(['start', 'telegram-downloader'], { reject: false });
  }
});

// And: the uploads stay recorded and are not redone.
it('process_scrap failing: its own exit code; the processing is owed until it succeeds', async () => {
  if (setupError) throw setupError;
  await docker(['stop', '-t', '1', 'telegram-downloader']);
  const only = { SYNC_CONTAINERS: 'minio' };
  fs.writeFileSync(path.join(djangoState, 'fail'), '');
  const f = writeFile(downloads, 'manual upload one.pdf', `pdf ${Date.now()}`);
  await settle();
  const failed = await sync(['--json'], only).finally(() => undefined);
  fs.rmSync(path.join(djangoState, 'fail'));
  assert.is(failed.exitCode, EXIT_CODES.processing, failed.all);
  assert.match(failed.stderr, /simulated processing failure/);
  assert.match(failed.stderr, /--process-only/);
  const summary = JSON.parse(failed.stdout) as { uploadedObjects: { key: string }[]; status: string };
  assert.is(summary.status, 'processing-failed');
  assert.ok(summary.uploadedObjects.some((o) => o.key === 'manual_upload_one.pdf'));
  assert.ok(HashCache.open(path.join(base, 'state/file_hashes.json')).get(f), 'upload recorded despite the failure');
  assert.ok((await listBucket(client, BUCKET)).some((o) => o.key === 'manual_upload_one.pdf'));
  assert.not.ok((await processedRows()).some((x) => x.key === 'manual_upload_one.pdf'));
  const owed = path.join(base, 'state/processing.owed');
  assert.match(fs.readFileSync(owed, 'utf8'), /manual_upload_one\.pdf/, 'the processing is owed');

  // The next run has nothing new to send, and still runs the processing it owes.
  const again = await sync(['--json'], only);
  assert.is(again.exitCode, 0, again.all);
  const s2 = JSON.parse(again.stdout) as {
    uploaded: number;
    skipped: Record<string, number>;
    processing: { ran: boolean };
  };
  assert.is(s2.uploaded, 0, 'not re-uploaded');
  assert.ok(s2.skipped.unchanged! >= 1);
  assert.is(s2.processing.ran, true, 'the processing owed ran');
  assert.match(readLogs(path.join(base, 'logs')), /process_scrap: 1 key\(s\) given on stdin: manual_upload_one\.pdf/);
  assert.ok(
    (await processedRows()).some((x) => x.key === 'manual_upload_one.pdf'),
    'row recorded by the run that owed it',
  );
  assert.not.ok(fs.existsSync(owed) && fs.readFileSync(owed, 'utf8').includes('manual_upload_one'), 'nothing owed');

  const processed = await sync(['--process-only'], only);
  assert.is(processed.exitCode, 0, processed.all);
});

it('a row missing from the database: test-sync names the key and fails', async () => {
  if (setupError) throw setupError;
  writeFile(downloads, 'report to lose.txt', `r ${Date.now()}`);
  await settle();
  const ok = await testSync([], { SYNC_CONTAINERS: 'minio' });
  assert.is(ok.exitCode, 0, ok.all);
  await deleteRow('report_to_lose.txt');
  const r = await testSync(['--no-sync', '--json']);
  assert.is(r.exitCode, EXIT_CODES.unhealthy, r.all);
  const report = JSON.parse(r.stdout) as {
    healthy: boolean;
    checks: { name: string; status: string; missing?: string[] }[];
  };
  assert.is(report.healthy, false);
  const db = report.checks.find((c) => c.name === 'database')!;
  assert.is(db.status, 'fail');
  assert.equal(db.missing, ['report_to_lose.txt']);
  const human = await testSync(['--no-sync']);
  assert.match(human.stdout, /^FAIL database: .*missing: report_to_lose\.txt/m);
  assert.match(human.stdout, /pipeline UNHEALTHY/);
});

it('the django container missing: exit code and a message naming it; the upload stays recorded', async () => {
  if (setupError) throw setupError;
  const f = writeFile(downloads, 'for missing django.txt', `m ${Date.now()}`);
  await settle();
  const r = await sync([], { SYNC_CONTAINERS: 'minio', DJANGO_CONTAINER: 'django-gone' });
  assert.is(r.exitCode, EXIT_CODES.docker, r.all);
  assert.match(r.stderr, /container "django-gone" does not exist/);
  assert.ok(HashCache.open(path.join(base, 'state/file_hashes.json')).get(f));
  const last = readRunRecords(path.join(base, 'logs')).at(-1)!;
  assert.is(last.status, 'processing-failed', 'the run is recorded with its uploads, not as a successful sync');
  assert.ok(last.uploadedObjects.some((o) => o.key === 'for_missing_django.txt'));
});

it('a container that will not start: its own message with its last output; nothing uploaded', async () => {
  if (setupError) throw setupError;
  await docker(['rm', '-f', 'broken-downloader'], { reject: false });
  await docker([
    'create',
    '--name',
    'broken-downloader',
    '--network',
    'none',
    '-v',
    '/usr:/usr:ro',
    '-v',
    '/etc:/etc:ro',
    'tgsync-host:latest',
    'sh',
    '-c',
    'echo "session file missing: cannot log in" >&2; exit 3',
  ]);
  const f = writeFile(downloads, 'waits for the downloader.txt', `w ${Date.now()}`);
  await settle();
  const r = await sync([], { SYNC_CONTAINERS: 'minio,broken-downloader' });
  assert.is(r.exitCode, EXIT_CODES.docker, r.all);
  assert.match(r.stderr, /container "broken-downloader" stopped right after starting \(status exited, exit 3\)/);
  assert.match(r.stderr, /session file missing: cannot log in/);
  assert.not.ok(HashCache.open(path.join(base, 'state/file_hashes.json')).get(f));
  await docker(['rm', '-f', 'broken-downloader'], { reject: false });
});

it('the docker daemon stopped: exit code and a message naming the daemon; nothing uploaded', async () => {
  if (setupError) throw setupError;
  const f = writeFile(downloads, 'after the daemon died.txt', `d ${Date.now()}`);
  await settle();
  await stopDockerEngine();
  const r = await runAsCron();
  assert.is(r.exitCode, EXIT_CODES.docker, r.output);
  assert.match(r.output, /Docker daemon is unreachable/);
  assert.not.ok(HashCache.open(path.join(base, 'state/file_hashes.json')).get(f));
});

test.run();
