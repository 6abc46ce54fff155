// Test fixtures: temp dirs, a real local S3 server, configs pointing at them, bucket and cache readers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Minio from 'minio';
import { execa } from 'execa';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import { loadConfig, PROJECT_ROOT } from '../../lib/config/load.ts';
import type { Config } from '../../lib/config/types.ts';
import { startS3Server, S3RVER_KEY } from '../../lib/dev/s3rver.ts';
import { listQuery, parseListPage } from '../../lib/storage/listing.ts';
import { readText, sendSigned } from '../../lib/storage/signed-request.ts';
import { createGate } from '../../lib/gate.ts';
import { createMemoryLogger, type Logger } from '../../lib/log/logger.ts';
import { createStorage } from '../../lib/storage/client.ts';
import { runSync, type SyncDeps } from '../../lib/sync/run.ts';

const made: string[] = [];
// Every temp dir the suite makes is removed when the test process exits.
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

// The five keys a configuration cannot do without, downloads in `downloads` (tests of lib/config).
export function minimalConfigEnv(downloads: string): Record<string, string> {
  return {
    MINIO_ENDPOINT: 'http://127.0.0.1:9000',
    MINIO_ACCESS_KEY: 'AK',
    MINIO_SECRET_KEY: 'very-secret',
    MINIO_BUCKET: 'telegram',
    SYNC_DOWNLOAD_DIRS: downloads,
  };
}

export function tempDir(label = 'ts'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tgsync-${label}-`));
  made.push(dir);
  return dir;
}

// Write a file, creating its folders.
export function writeFile(root: string, rel: string, content: string | Buffer): string {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  return abs;
}

export interface Sandbox {
  readonly dir: string;
  readonly downloads: string;
  readonly server: SandboxServer;
  readonly env: Record<string, string>;
  config(extra?: Record<string, string>): Config;
  client(): Minio.Client;
  close(): Promise<void>;
}

let bucketCounter = 0;

// A temp dir with downloads/, state/, logs/ and a fresh bucket name on a shared S3 server.
// Any S3 server on 127.0.0.1 (s3rver's keys unless it has its own).
export interface SandboxServer {
  readonly endpoint: string;
  readonly port: number;
  readonly accessKey?: string;
  readonly secretKey?: string;
}

export async function createSandbox(server: SandboxServer, extraEnv: Record<string, string> = {}): Promise<Sandbox> {
  const accessKey = server.accessKey ?? S3RVER_KEY;
  const secretKey = server.secretKey ?? S3RVER_KEY;
  const dir = tempDir('sb');
  const downloads = path.join(dir, 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  const bucket = `test-${process.pid}-${++bucketCounter}`;
  const env: Record<string, string> = {
    MINIO_ENDPOINT: server.endpoint,
    MINIO_ACCESS_KEY: accessKey,
    MINIO_SECRET_KEY: secretKey,
    MINIO_BUCKET: bucket,
    SYNC_DOWNLOAD_DIRS: downloads,
    SYNC_CACHE_FILE: path.join(dir, 'state/file_hashes.json'),
    SYNC_LOCK_FILE: path.join(dir, 'state/telegram_sync.lock'),
    SYNC_LOG_DIR: path.join(dir, 'logs'),
    SYNC_STABLE_SECONDS: '0',
    SYNC_PART_SIZE_MB: '5',
    SYNC_RETRIES: '1',
    SYNC_RETRY_BASE_MS: '10',
    ...extraEnv,
  };
  return {
    dir,
    downloads,
    server,
    env,
    config: (extra = {}) => loadConfig({ env: { ...env, ...extra }, envFile: path.join(dir, 'no.env') }),
    client: () =>
      new Minio.Client({
        endPoint: '127.0.0.1',
        port: server.port,
        useSSL: false,
        accessKey,
        secretKey,
        pathStyle: true,
      }),
    close: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface InProcessRun {
  readonly summary: Awaited<ReturnType<typeof runSync>>;
  readonly log: ReturnType<typeof createMemoryLogger>;
}

// Run the real sync in this process against the sandbox's server.
export async function syncOnce(
  config: Config,
  opts: { force?: boolean; dryRun?: boolean; deps?: Partial<SyncDeps>; log?: Logger } = {},
): Promise<InProcessRun> {
  const log = createMemoryLogger();
  const gate = createGate({ dryRun: opts.dryRun ?? false, log });
  const summary = await runSync(
    config,
    { force: opts.force ?? false },
    { storage: createStorage(config), log: opts.log ?? log, gate, ...opts.deps },
  );
  return { summary, log };
}

export interface BucketObject {
  key: string;
  size: number;
  sha256?: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

// Every object in the bucket, each confirmed with statObject (a listing is only a hint). The
// listing is read with lib/storage/listing.ts: the minio client's own breaks on keys with '%'.
export async function listBucket(client: Minio.Client, bucket: string): Promise<BucketObject[]> {
  if (!(await client.bucketExists(bucket))) return [];
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await sendSigned(client, { method: 'GET', bucketName: bucket, query: listQuery('', token) });
    const page = parseListPage(await readText(res));
    keys.push(...page.objects.map((o) => o.key));
    token = page.next;
  } while (token);
  const out: BucketObject[] = [];
  for (const key of keys.sort()) {
    const st = await client.statObject(bucket, key);
    const metadata = Object.fromEntries(Object.entries(st.metaData).map(([k, v]) => [k.toLowerCase(), String(v)]));
    out.push({
      key,
      size: st.size,
      metadata,
      lastModified: st.lastModified,
      ...(metadata.sha256 ? { sha256: metadata.sha256 } : {}),
    });
  }
  return out;
}

export function readCache(config: Config): HashCache {
  return HashCache.open(config.cacheFile);
}

export { startS3Server, PROJECT_ROOT };

// The tsx loader by its full URL, so a script also starts from a folder outside the project.
export const TSX_LOADER = import.meta.resolve('tsx');

// Run a project script as a subprocess exactly as a user would (node + tsx loader), with a clean env.
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
) {
  return execa(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts', script), ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    all: true,
  });
}

// Poll until `cond` holds (a bound only so that a broken test ends; no test asserts on time).
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, boundMs = 180_000): Promise<void> {
  const until = Date.now() + boundMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not there yet (a file not yet written, a server not yet up)
    }
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Every human log file in a log folder, concatenated ('' while there is none).
export function readLogs(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

// Resolves once a child process has printed `pattern` `count` times on stdout (or has exited).
export function untilPrinted(
  child: { stdout?: NodeJS.ReadableStream | null; on(e: 'exit', f: () => void): unknown },
  pattern: RegExp,
  count: number,
): Promise<void> {
  let seen = 0;
  return new Promise<void>((resolve) => {
    child.stdout?.on('data', (d: Buffer) => {
      seen += (d.toString().match(new RegExp(pattern.source, 'g')) ?? []).length;
      if (seen >= count) resolve();
    });
    child.on('exit', () => resolve());
  });
}
