// scripts/sync.ts as a subprocess, as cron runs it: exit codes, logs, lock, outage, kill -9.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import { EXIT_CODES } from '../../lib/errors.ts';
import { dateStamp } from '../../lib/log/logger.ts';
import { RUN_RECORDS_FILE, readRunRecords } from '../../lib/report/records.ts';
import {
  listBucket,
  PROJECT_ROOT,
  runScript,
  TSX_LOADER,
  writeFile,
  type Sandbox,
  readLogs,
  waitFor,
  untilPrinted,
} from '../support/env.ts';
import { fakeDocker } from '../support/fake-docker.ts';
import { startFaultProxy } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

eachServer('scripts/sync.ts (subprocess)', ({ it: test, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  test('a broken config lists every problem at once, exits 2 and echoes no secret', async () => {
    const r = await runScript('sync.ts', [], {
      MINIO_ENDPOINT: 'not a url',
      MINIO_ACCESS_KEY: '',
      MINIO_SECRET_KEY: 'hunter2-very-secret',
      MINIO_BUCKET: 'Bad_Bucket',
      SYNC_DOWNLOAD_DIRS: '/does/not/exist',
      SYNC_CONCURRENCY: 'lots',
      SYNC_STABLE_SECONDS: '-5',
      SYNC_PARTIAL_SUFFIXES: 'tmp',
      SYNC_LOG_DIR: path.join(sb.dir, 'logs'),
    });
    assert.is(r.exitCode, EXIT_CODES.config);
    for (const key of [
      'MINIO_ENDPOINT',
      'MINIO_ACCESS_KEY',
      'MINIO_BUCKET',
      'SYNC_DOWNLOAD_DIRS',
      'SYNC_CONCURRENCY',
      'SYNC_STABLE_SECONDS',
      'SYNC_PARTIAL_SUFFIXES',
    ]) {
      assert.ok(r.stderr.includes(`${key}:`), `mentions ${key}: ${r.stderr}`);
    }
    assert.ok(r.stderr.includes('7 problems'));
    assert.not.ok(r.all?.includes('hunter2'));
    // The failed start is recorded (dated log, run record), with no secret in either; nothing else is touched.
    const logs = path.join(sb.dir, 'logs');
    const written = fs.readdirSync(logs);
    assert.ok(written.includes(RUN_RECORDS_FILE), `a run record: ${written}`);
    for (const f of written) {
      const p = path.join(logs, f);
      if (fs.statSync(p).isFile()) assert.not.ok(fs.readFileSync(p, 'utf8').includes('hunter2'), f);
    }
    assert.not.ok(fs.existsSync(path.join(sb.dir, 'state')), 'no state before validation');
  });

  test('a bad flag value joins the config problems; unknown flags are usage errors', async () => {
    const r = await runScript('sync.ts', ['--concurrency', '0'], { ...sb.env, MINIO_BUCKET: 'x' });
    assert.is(r.exitCode, EXIT_CODES.config);
    assert.ok(r.stderr.includes('--concurrency: expected a whole number from 1 to 64, got "0"'));
    assert.ok(r.stderr.includes('MINIO_BUCKET:'));
    const u = await runScript('sync.ts', ['--frobnicate'], sb.env);
    assert.is(u.exitCode, EXIT_CODES.config);
    assert.match(u.stderr, /frobnicate/);
  });

  test('credentials the server refuses: exit 2 naming the keys and the endpoint, before any file is touched; no secret printed', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    const r = await runScript('sync.ts', [], {
      ...sb.env,
      MINIO_ACCESS_KEY: 'NOT-A-KEY',
      MINIO_SECRET_KEY: 'wrong-secret-value',
    });
    assert.is(r.exitCode, EXIT_CODES.config, r.all);
    assert.match(
      r.stderr,
      new RegExp(
        `MINIO_ACCESS_KEY / MINIO_SECRET_KEY: the S3 server ${server().endpoint.replace(/[.]/g, '\\.')} refused them for bucket ${sb.env.MINIO_BUCKET} \\((InvalidAccessKeyId|AccessDenied)\\)`,
      ),
    );
    assert.not.ok(r.all?.includes('wrong-secret-value') || r.all?.includes('NOT-A-KEY'));
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 0);
    assert.not.ok(await sb.client().bucketExists(sb.env.MINIO_BUCKET!), 'nothing created');
    const record = readRunRecords(path.join(sb.dir, 'logs')).at(-1);
    assert.equal([record?.status, /refused them/.test(record?.error ?? '')], ['error', true], 'on record');
    assert.not.ok(JSON.stringify(record).includes('wrong-secret-value'));
  });

  // And: nothing uploaded, the failure on record.
  test('https:// to a plain-HTTP server: exit 2 naming the cause and the fix', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    const endpoint = sb.env.MINIO_ENDPOINT!.replace(/^http:/, 'https:');
    const r = await runScript('sync.ts', [], { ...sb.env, MINIO_ENDPOINT: endpoint, MINIO_PREFIX: 'in/' });
    assert.is(r.exitCode, EXIT_CODES.config, r.all);
    assert.match(
      r.stderr,
      `S3 server ${endpoint}: the server speaks plain HTTP, not TLS: use http:// in MINIO_ENDPOINT`,
    );
    assert.is(r.stderr.split('use http://').length - 1, 1, `said once: ${r.stderr}`);
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 0);
    assert.not.ok(await sb.client().bucketExists(sb.env.MINIO_BUCKET!), 'nothing created');
    const record = readRunRecords(path.join(sb.dir, 'logs')).at(-1);
    assert.equal([record?.status, /plain HTTP/.test(record?.error ?? '')], ['error', true], 'on record');
    assert.is(record?.destination, `${endpoint}/${sb.env.MINIO_BUCKET}/in`, 'the record names where it wrote');
  });

  test('--config: a missing file is a config error (exit 2), a relative path is relative to the current folder; --env-file still works', async () => {
    writeFile(sb.downloads, 'cfg.txt', 'c');
    const missing = await runScript('sync.ts', ['--config', 'nope.env'], {}, { cwd: sb.dir });
    assert.is(missing.exitCode, EXIT_CODES.config, missing.all);
    assert.match(
      missing.stderr,
      new RegExp(`--config: expected a readable file, got "${sb.dir}/nope\\.env" \\(not found\\)`),
    );
    fs.writeFileSync(
      path.join(sb.dir, 'here.env'),
      Object.entries(sb.env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    const relative = await runScript('sync.ts', ['--config', 'here.env', '--json'], {}, { cwd: sb.dir });
    assert.is(relative.exitCode, 0, relative.all);
    assert.is((JSON.parse(relative.stdout) as { uploaded: number }).uploaded, 1);
    const old = await runScript('sync.ts', ['--env-file', path.join(sb.dir, 'here.env')], {});
    assert.is(old.exitCode, 0, old.all);
    assert.match(old.stderr, /--env-file is deprecated/);
  });

  test('a run writes its dated log and run record, --json prints the summary, and no secret reaches either', async () => {
    writeFile(sb.downloads, 'chan/a b.txt', 'hello');
    const r = await runScript('sync.ts', ['--json'], sb.env);
    assert.is(r.exitCode, 0, r.all);
    const summary = JSON.parse(r.stdout) as { uploaded: number; status: string; uploadedObjects: { key: string }[] };
    assert.is(summary.status, 'ok');
    assert.equal(
      summary.uploadedObjects.map((o) => o.key),
      ['chan/a_b.txt'],
    );
    const logFile = path.join(sb.dir, 'logs', `telegram_sync_${dateStamp(new Date())}.log`);
    const log = fs.readFileSync(logFile, 'utf8');
    assert.match(log, /upload\.done: uploaded chan\/a_b\.txt/);
    assert.match(log, /run\.summary: sync ok/);
    const jsonl = fs
      .readFileSync(logFile.replace(/\.log$/, '.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    assert.ok(jsonl.some((rec) => rec.kind === 'run.summary'));
    const runs = fs.readFileSync(path.join(sb.dir, 'logs', 'telegram_sync_runs.jsonl'), 'utf8');
    for (const text of [log, runs, r.all ?? ''])
      assert.not.ok(
        text.includes(sb.env.MINIO_ACCESS_KEY!) || text.includes(sb.env.MINIO_SECRET_KEY!),
        'credentials never written',
      );
    // No TTY: no progress noise (no carriage returns) on either stream.
    assert.not.ok((r.all ?? '').includes('\r'));
  });

  test("a live lock makes a run exit with the lock exit code once SYNC_LOCK_WAIT_SECONDS is spent; a run that waits gets it when the owner ends; a dead owner's lock is taken over", async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    // A real process holding the lock through the real acquireLock, as a running sync does.
    const holder = execa(
      process.execPath,
      [
        '--import',
        TSX_LOADER,
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'lib/lock/lock.ts'))}); const h = await m.acquireLock(${JSON.stringify(sb.env.SYNC_LOCK_FILE)}); process.on('SIGTERM', () => { h.release(); process.exit(0); }); console.log('held'); setInterval(() => {}, 1000);`,
      ],
      { reject: false },
    );
    await new Promise<void>((resolve) =>
      holder.stdout?.on('data', (d: Buffer) => d.toString().includes('held') && resolve()),
    );
    const held = await runScript('sync.ts', [], { ...sb.env, SYNC_LOCK_WAIT_SECONDS: '0' });
    assert.is(held.exitCode, EXIT_CODES.lockHeld, held.all);
    assert.match(held.stderr, new RegExp(`another sync is running \\(pid ${holder.pid}`));
    assert.equal(await listBucket(sb.client(), sb.env.MINIO_BUCKET!), []);
    const waiting = runScript('sync.ts', [], { ...sb.env, SYNC_LOCK_WAIT_SECONDS: '600' });
    await waitFor('the second run to wait for the lock', () =>
      readLogs(sb.env.SYNC_LOG_DIR!).includes('waiting up to'),
    );
    holder.kill('SIGTERM');
    const waited = await waiting;
    assert.is(waited.exitCode, 0, waited.all);
    assert.match(waited.stdout, new RegExp(`another run holds the lock \\(pid ${holder.pid}, .*waiting up to 600 s`));
    assert.not.match(waited.stdout, /taking over a lock/, 'the owner released it: nothing stale to take over');
    assert.is((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).length, 1);
    writeFile(sb.downloads, 'b.txt', 'b');
    const holder2 = execa(
      process.execPath,
      [
        '--import',
        TSX_LOADER,
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'lib/lock/lock.ts'))}); await m.acquireLock(${JSON.stringify(sb.env.SYNC_LOCK_FILE)}); console.log('held'); setInterval(() => {}, 1000);`,
      ],
      { reject: false },
    );
    await new Promise<void>((resolve) =>
      holder2.stdout?.on('data', (d: Buffer) => d.toString().includes('held') && resolve()),
    );
    holder2.kill('SIGKILL');
    await holder2;
    const stale = await runScript('sync.ts', [], sb.env);
    assert.is(stale.exitCode, 0, stale.all);
    assert.match(
      stale.stdout,
      new RegExp(
        `taking over a lock left by a process that is gone \\(pid ${holder2.pid}, started .*: pid ${holder2.pid} is gone\\)`,
      ),
    );
    assert.not.ok(fs.existsSync(sb.env.SYNC_LOCK_FILE!), 'lock released');
    assert.is((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).length, 2);
  });

  test('S3 server stopped: clear error, exit 5, nothing recorded; with the server back the next run completes', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    writeFile(sb.downloads, 'b.txt', 'b');
    await server().stopEndpoint();
    try {
      const down = await runScript('sync.ts', [], sb.env);
      assert.is(down.exitCode, EXIT_CODES.storageUnreachable, down.all);
      assert.match(down.stderr, new RegExp(`S3 server http://127.0.0.1:${server().port} unreachable`));
      assert.match(down.stderr, /ECONNREFUSED/);
      assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 0);
    } finally {
      await server().startEndpoint();
    }
    const up = await runScript('sync.ts', ['--json'], sb.env);
    assert.is(up.exitCode, 0, up.all);
    assert.is((JSON.parse(up.stdout) as { uploaded: number }).uploaded, 2);
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 2);
  });

  // And: within the retries.
  test('a server that stops answering on reused connections: exit 5 naming it', async () => {
    for (let i = 0; i < 6; i++) writeFile(sb.downloads, `f${i}.txt`, `file ${i}`);
    // Everything passes until the first object PUT; from there the server holds every request.
    let stalled = false;
    const proxy = await startFaultProxy(
      server(),
      (line) => ((stalled ||= /^PUT \/[^/ ]+\/f\d/.test(line)) ? 'stall' : 'pass'),
      { keepAlive: true },
    );
    try {
      const env = {
        ...sb.env,
        MINIO_ENDPOINT: proxy.endpoint,
        SYNC_REQUEST_TIMEOUT_SECONDS: '1',
        SYNC_RETRIES: '1',
        SYNC_RETRY_BASE_MS: '10',
      };
      const r = await runScript('sync.ts', [], env, { timeoutMs: 60_000 });
      assert.is(r.exitCode, EXIT_CODES.storageUnreachable, r.all);
      assert.match(r.all, new RegExp(`S3 server ${proxy.endpoint} stopped answering during upload of f\\d\\.txt`));
      assert.ok(proxy.seen.filter((x) => x.fault === 'stall').length >= 2, 'the stalled request was tried again');
      assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, 0, 'nothing unverified recorded');
    } finally {
      await proxy.close();
    }
  });

  // And: with the owed keys on its stdin.
  test('processing that failed stays owed: the next run with nothing new runs it', async () => {
    const docker = fakeDocker();
    const env = { ...sb.env, PATH: `${docker.bin}:${process.env.PATH}`, DJANGO_CONTAINER: 'django' };
    writeFile(sb.downloads, 'a.jpg', 'a');
    writeFile(sb.downloads, 'b c.jpg', 'b');
    docker.setExit(1);
    const first = await runScript('sync.ts', [], env);
    assert.is(first.exitCode, EXIT_CODES.processing, first.all);
    docker.setExit(0);
    const second = await runScript('sync.ts', ['--json'], env);
    assert.is(second.exitCode, 0, second.all);
    const summary = JSON.parse(second.stdout) as { uploaded: number; processing: { ran: boolean; reason: string } };
    assert.equal([summary.uploaded, summary.processing.ran], [0, true]);
    assert.match(summary.processing.reason, /owed by an earlier run \(2 object\(s\)\)/);
    const execs = docker.execs();
    assert.is(execs.length, 2);
    assert.match(execs[1]!.args, /^exec -i django python manage\.py process_scrap$/);
    assert.equal(execs[1]!.stdin.split('\n').filter(Boolean).sort(), ['a.jpg', 'b_c.jpg']);
    const third = await runScript('sync.ts', ['--json'], env);
    const nothing = JSON.parse(third.stdout) as { processing: { ran: boolean; reason: string } };
    assert.equal(
      [nothing.processing.ran, nothing.processing.reason],
      [false, 'nothing new was uploaded (--process-always runs it anyway)'],
    );
  });

  test('kill -9 in the middle of a run leaves a usable cache; the next run finishes without uploading twice', async () => {
    const N = 300;
    for (let i = 0; i < N; i++)
      writeFile(sb.downloads, `chan/file ${String(i).padStart(3, '0')}.bin`, `content ${i} `.repeat(2000));
    const child = execa(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/sync.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...sb.env, SYNC_CONCURRENCY: '2' },
      extendEnv: false,
      reject: false,
    });
    await untilPrinted(child, /upload\.done/, 20);
    child.kill('SIGKILL');
    const killed = await child;
    assert.is(killed.signal, 'SIGKILL', 'killed mid-run, not finished');
    const recorded = HashCache.open(sb.env.SYNC_CACHE_FILE!).size;
    assert.ok(recorded >= 20 && recorded < N, `journal kept ${recorded} entries`);
    const next = await runScript('sync.ts', ['--json'], sb.env);
    assert.is(next.exitCode, 0, next.all);
    const s = JSON.parse(next.stdout) as { uploaded: number; adopted: number; skipped: Record<string, number> };
    assert.is(s.skipped.unchanged, recorded, 'every recorded upload recognised from stat alone');
    assert.is(s.uploaded + s.adopted + recorded, N);
    assert.ok(s.adopted <= 2, `at most the uploads in flight were redone as checks: ${s.adopted}`);
    const objects = await listBucket(sb.client(), sb.env.MINIO_BUCKET!);
    assert.is(objects.length, N);
    assert.is(HashCache.open(sb.env.SYNC_CACHE_FILE!).size, N);
  });
});
