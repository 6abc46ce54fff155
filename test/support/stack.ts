// The real stack for the end-to-end tests, on this machine: Debian's Docker engine started with
// its own socket and no bridge network; an image made with `docker import` (no registry exists)
// that runs the host's programs; Debian's PostgreSQL; containers on --network host or none.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { waitFor } from './env.ts';

export const ENGINE_DIR = '/tmp/tgsync-docker';
export const DOCKER_HOST = `unix://${ENGINE_DIR}/docker.sock`;
export const HOST_IMAGE = 'tgsync-host:latest';
export const FIXTURE_DIR = path.join(PROJECT_ROOT, 'test/fixtures/django_project');
export const PG = {
  host: '127.0.0.1',
  port: '5432',
  user: 'tgsync',
  password: 'tgsync-test-pw',
  database: 'tgsync_test',
};
export const HOST_MOUNTS = ['-v', '/usr:/usr:ro', '-v', '/etc:/etc:ro'];

export const dockerEnv = { ...process.env, DOCKER_HOST };
export const docker = (args: string[], opts: { reject?: boolean; timeout?: number } = {}) =>
  execa('docker', args, { env: dockerEnv, reject: opts.reject ?? true, timeout: opts.timeout ?? 120_000 });

const engineUp = async () =>
  (await docker(['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 10_000 })).exitCode === 0;

let engineStartedHere = false;
let postgresStartedHere = false;

// Start dockerd (no bridge, no iptables) unless ours already runs. Returns why not, if it cannot.
export async function startDockerEngine(): Promise<{ ok: true } | { ok: false; why: string }> {
  if (await engineUp()) return { ok: true };
  engineStartedHere = true;
  const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => fs.existsSync(p));
  if (!dockerd) return { ok: false, why: 'dockerd is not installed (apt-get install docker.io; .ci/run does this)' };
  fs.mkdirSync(ENGINE_DIR, { recursive: true });
  const log = fs.openSync(path.join(ENGINE_DIR, 'dockerd.log'), 'a');
  spawn(
    dockerd,
    [
      '--host',
      DOCKER_HOST,
      '--data-root',
      `${ENGINE_DIR}/data`,
      '--exec-root',
      `${ENGINE_DIR}/exec`,
      '--pidfile',
      `${ENGINE_DIR}/docker.pid`,
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  ).unref();
  try {
    await waitFor('the Docker engine', engineUp, 60_000);
    return { ok: true };
  } catch {
    return {
      ok: false,
      why: `dockerd did not come up; see ${ENGINE_DIR}/dockerd.log: ${fs.readFileSync(path.join(ENGINE_DIR, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
}

// Stop the engine (and, when this run started it, remove its folders: images, containers).
export async function stopDockerEngine(options: { cleanUp?: boolean } = {}): Promise<void> {
  const pidFile = `${ENGINE_DIR}/docker.pid`;
  const cleanUp = () => {
    if (options.cleanUp && engineStartedHere) removeEngineDir();
  };
  if (!fs.existsSync(pidFile)) return cleanUp();
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  await waitFor('dockerd to stop', async () => !(await engineUp()) && !fs.existsSync(pidFile), 60_000).catch(
    () => undefined,
  );
  cleanUp();
}

// dockerd can leave mounts (its netns file) under its folders: unmount them, then remove.
function removeEngineDir(): void {
  try {
    const mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(ENGINE_DIR));
    for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
    fs.rmSync(ENGINE_DIR, { recursive: true, force: true });
  } catch (e) {
    console.log(`  could not remove ${ENGINE_DIR}: ${(e as Error).message}`);
  }
}

// An image with empty etc tmp app proc sys dev and bin/lib/lib64/sbin links into /usr, which
// runs the host's programs once /usr and /etc are mounted read-only.
export async function ensureHostImage(): Promise<void> {
  if ((await docker(['image', 'inspect', HOST_IMAGE], { reject: false })).exitCode === 0) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tgsync-rootfs-'));
  for (const d of ['etc', 'tmp', 'app', 'proc', 'sys', 'dev', 'usr', 'state', 'data', 'downloads'])
    fs.mkdirSync(path.join(root, d));
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  for (const d of ['bin', 'lib', 'lib64', 'sbin']) fs.symlinkSync(`usr/${d}`, path.join(root, d));
  const tar = path.join(root, '..', `${path.basename(root)}.tar`);
  await execa('tar', ['-C', root, '-cf', tar, '.']);
  await docker(['import', tar, HOST_IMAGE]);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(tar, { force: true });
}

const psql = (sql: string, db = 'postgres') =>
  execa('runuser', ['-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-d', db, '-qAtc', sql]);

// Debian's PostgreSQL 15 on 127.0.0.1:5432, with a fresh database for the fixture project.
export async function startPostgres(): Promise<{ ok: true } | { ok: false; why: string }> {
  if (!fs.existsSync('/usr/bin/pg_ctlcluster'))
    return { ok: false, why: 'PostgreSQL is not installed (apt-get install postgresql)' };
  const r = await execa('pg_ctlcluster', ['15', 'main', 'start'], { reject: false });
  if (r.exitCode !== 0 && !/already running/i.test(r.stdout + r.stderr))
    return { ok: false, why: `pg_ctlcluster 15 main start failed: ${(r.stdout + r.stderr).trim()}` };
  postgresStartedHere ||= r.exitCode === 0;
  await waitFor(
    'PostgreSQL',
    async () => (await execa('pg_isready', ['-h', PG.host, '-p', PG.port], { reject: false })).exitCode === 0,
    30_000,
  );
  const exists = (await psql(`SELECT 1 FROM pg_roles WHERE rolname='${PG.user}'`)).stdout.trim() === '1';
  await psql(`${exists ? 'ALTER' : 'CREATE'} ROLE ${PG.user} LOGIN PASSWORD '${PG.password}'`);
  await psql(`DROP DATABASE IF EXISTS ${PG.database} WITH (FORCE)`);
  await psql(`CREATE DATABASE ${PG.database} OWNER ${PG.user}`);
  return { ok: true };
}

// Drop the test database; stop the cluster if this run started it.
export async function stopPostgres(): Promise<void> {
  await psql(`DROP DATABASE IF EXISTS ${PG.database} WITH (FORCE)`).catch(() => undefined);
  if (postgresStartedHere) await execa('pg_ctlcluster', ['15', 'main', 'stop'], { reject: false });
}

// Rows of the fixture's table, read on the host with psql (the database side of the assertions).
export async function processedRows(): Promise<{ key: string; size: number; sha256: string }[]> {
  const r = await execa(
    'psql',
    [
      '-h',
      PG.host,
      '-p',
      PG.port,
      '-U',
      PG.user,
      '-d',
      PG.database,
      '-AtF',
      '\t',
      '-c',
      'SELECT key, size, sha256 FROM scrap_processedfile ORDER BY key',
    ],
    {
      env: { ...process.env, PGPASSWORD: PG.password },
    },
  );
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [key, size, sha256] = l.split('\t');
      return { key: key!, size: Number(size), sha256: sha256 ?? '' };
    });
}

export async function deleteRow(key: string): Promise<void> {
  // psql interpolates :'k' (quoted safely) only in what it reads from stdin, not in -c.
  await execa('psql', ['-h', PG.host, '-U', PG.user, '-d', PG.database, '-v', 'ON_ERROR_STOP=1', '-v', `k=${key}`], {
    env: { ...process.env, PGPASSWORD: PG.password },
    input: "DELETE FROM scrap_processedfile WHERE key = :'k';\n",
  });
}

export { freePort } from '../../lib/dev/rgw.ts';

// tdl's way of downloading: <dialog>_<message>_<name>.tmp grows, is renamed, and gets the
// message date as mtime.
export const DOWNLOADER_SCRIPT = `
start=$(date +%s); i=0
while true; do
  i=$((i+1)); f="/downloads/-1001234567_\${start}\${i}_clip \${i}.mp4"
  : > "$f.tmp"
  for c in 1 2 3 4 5 6; do printf 'chunk %s of %s\\n' "$c" "$f" >> "$f.tmp"; sleep 0.5; done
  mv "$f.tmp" "$f"
  touch -d '2024-01-15 10:00:00' "$f"
done`;

export interface StackOptions {
  readonly s3Port: number;
  readonly s3Dir: string;
  readonly downloads: string;
  readonly djangoState: string;
  readonly bucket: string;
}

export async function removeContainers(names = ['telegram-downloader', 'minio', 'django']): Promise<void> {
  await docker(['rm', '-f', ...names], { reject: false });
}

// The three containers of the user's stack.
export async function createStack(o: StackOptions): Promise<void> {
  await removeContainers();
  const health = `node -e "fetch('http://127.0.0.1:${o.s3Port}/').then(()=>process.exit(0),()=>process.exit(1))"`;
  await docker([
    'run',
    '-d',
    '--name',
    'minio',
    '--network',
    'host',
    ...HOST_MOUNTS,
    '-v',
    `${PROJECT_ROOT}:/app:ro`,
    '-v',
    `${o.s3Dir}:/data`,
    '-w',
    '/app',
    '--health-cmd',
    health,
    '--health-interval',
    '1s',
    '--health-timeout',
    '5s',
    '--health-retries',
    '60',
    HOST_IMAGE,
    'node',
    '--openssl-legacy-provider',
    '--import',
    'tsx',
    'scripts/s3-server.ts',
    '--port',
    String(o.s3Port),
    '--dir',
    '/data',
  ]);
  await docker([
    'run',
    '-d',
    '--name',
    'telegram-downloader',
    '--network',
    'none',
    ...HOST_MOUNTS,
    '-v',
    `${o.downloads}:/downloads`,
    HOST_IMAGE,
    'sh',
    '-c',
    DOWNLOADER_SCRIPT,
  ]);
  await docker([
    'run',
    '-d',
    '--name',
    'django',
    '--network',
    'host',
    ...HOST_MOUNTS,
    '-v',
    `${FIXTURE_DIR}:/app:ro`,
    '-v',
    `${o.djangoState}:/state`,
    '-w',
    '/app',
    '-e',
    'PYTHONDONTWRITEBYTECODE=1',
    '-e',
    `PGHOST=${PG.host}`,
    '-e',
    `PGPORT=${PG.port}`,
    '-e',
    `PGUSER=${PG.user}`,
    '-e',
    `PGPASSWORD=${PG.password}`,
    '-e',
    `PGDATABASE=${PG.database}`,
    '-e',
    `S3_ENDPOINT=http://127.0.0.1:${o.s3Port}`,
    '-e',
    'S3_ACCESS_KEY=S3RVER',
    '-e',
    'S3_SECRET_KEY=S3RVER',
    '-e',
    `S3_BUCKET=${o.bucket}`,
    HOST_IMAGE,
    'sleep',
    'infinity',
  ]);
  await docker(['exec', 'django', 'python', 'manage.py', 'migrate', '--noinput']);
  await waitFor(
    'the minio container to be healthy',
    async () =>
      (await docker(['inspect', '--format', '{{.State.Health.Status}}', 'minio'])).stdout.trim() === 'healthy',
    60_000,
  );
}
