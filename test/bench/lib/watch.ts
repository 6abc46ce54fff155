// Watch mode, measured: latency from "file complete" to "object verified" for a downloader-like
// writer (half the files written under .tmp and renamed, as tdl does; half written in place in
// chunks, as Telethon does), at random intervals; and the idle cost of watching a big tree.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { PROJECT_ROOT } from '../../../lib/config/load.ts';
import { CONCURRENCY, type BenchServer } from './tools.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WatchRun {
  readonly dir: string;
  readonly logDir: string;
  readonly child: ResultPromise;
  stop(): Promise<void>;
}

// `sync --watch` as the service runs it (scripts/launch.mjs), with its own state in `work`.
export async function startWatch(
  s: BenchServer,
  bucket: string,
  tree: string,
  work: string,
  env: Record<string, string> = {},
): Promise<WatchRun> {
  const logDir = path.join(work, 'logs');
  const vars = {
    MINIO_ENDPOINT: s.endpoint,
    MINIO_ACCESS_KEY: s.accessKey,
    MINIO_SECRET_KEY: s.secretKey,
    MINIO_BUCKET: bucket,
    SYNC_DOWNLOAD_DIRS: tree,
    SYNC_CACHE_FILE: `${work}/state/file_hashes.json`,
    SYNC_LOCK_FILE: `${work}/state/sync.lock`,
    SYNC_LOG_DIR: logDir,
    SYNC_CONCURRENCY: String(CONCURRENCY),
    ...env,
  };
  const child = execa(process.execPath, [path.join(PROJECT_ROOT, 'scripts/launch.mjs'), 'sync', '--watch'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...vars },
    extendEnv: false,
    reject: false,
  });
  const until = Date.now() + 30 * 60_000;
  while (!jsonLog(logDir).some((e) => e.kind === 'watch.ready')) {
    if (child.exitCode !== null || Date.now() > until)
      throw new Error(`the watch did not catch up: ${(await child).stderr}`);
    await sleep(200);
  }
  return { dir: tree, logDir, child, stop: async () => void (child.kill('SIGTERM'), await child) };
}

type Entry = { time: string; kind: string; path?: string } & Record<string, unknown>;
export function jsonLog(dir: string): Entry[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^telegram_sync_\d{8}\.jsonl$/.test(f))
    .sort()
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Entry),
    );
}

// Write `count` files at random (exponential) intervals; returns when each became complete.
async function writeLikeDownloaders(dir: string, count: number, meanGapMs: number): Promise<Map<string, number>> {
  const complete = new Map<string, number>();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const size = 10 * 1024 + crypto.randomInt(2 * 1024 * 1024);
    const file = path.join(dir, `chan${i % 4}`, `-100123_${i}_file ${i}.bin`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (i % 2 === 0) {
      fs.writeFileSync(`${file}.tmp`, crypto.randomBytes(size));
      fs.renameSync(`${file}.tmp`, file);
      complete.set(file, Date.now());
    } else {
      writes.push(
        (async () => {
          const fd = fs.openSync(file, 'w');
          for (let left = size; left > 0; left -= 256 * 1024) {
            fs.writeSync(fd, crypto.randomBytes(Math.min(left, 256 * 1024)));
            await sleep(50);
          }
          fs.closeSync(fd);
          complete.set(file, Date.now());
        })(),
      );
    }
    await sleep(-Math.log(1 - Math.random()) * meanGapMs);
  }
  await Promise.all(writes);
  return complete;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export interface LatencyResult {
  files: number;
  uploaded: number;
  p50: number;
  p95: number;
  max: number;
  stableS: number;
}

export async function benchLatency(
  s: BenchServer,
  work: string,
  bucket: string,
  files = 500,
  stableS = 2,
): Promise<LatencyResult> {
  const tree = path.join(work, 'downloads');
  fs.mkdirSync(tree, { recursive: true });
  const w = await startWatch(s, bucket, tree, path.join(work, 'w'), { SYNC_STABLE_SECONDS: String(stableS) });
  try {
    const complete = await writeLikeDownloaders(tree, files, 40);
    const until = Date.now() + 10 * 60_000;
    let done = new Map<string, number>();
    while (done.size < complete.size && Date.now() < until) {
      await sleep(500);
      done = new Map(
        jsonLog(w.logDir)
          .filter((e) => e.kind === 'upload.done')
          .map((e) => [e.path!, Date.parse(e.time)]),
      );
    }
    const lat = [...complete]
      .filter(([f]) => done.has(f))
      .map(([f, t]) => (done.get(f)! - t) / 1000)
      .sort((a, b) => a - b);
    return {
      files: complete.size,
      uploaded: lat.length,
      p50: pct(lat, 50),
      p95: pct(lat, 95),
      max: lat[lat.length - 1]!,
      stableS,
    };
  } finally {
    await w.stop();
  }
}

// CPU seconds (user + system) and RSS of a process, from /proc.
function procStats(pid: number): { cpuS: number; rssMB: number; hwmMB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { cpuS: (Number(f[11]) + Number(f[12])) / 100, rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
}

export interface IdleResult {
  files: number;
  folders: number;
  idleCpuPct: number;
  rssMB: number;
  peakRssMB: number;
  rescanCpuS: number;
  rescanPctAtDefault: number;
}

// Watch an already synced tree: CPU while idle over `seconds`, RSS, and what one rescan costs.
export async function benchIdle(
  s: BenchServer,
  work: string,
  bucket: string,
  tree: { dir: string; files: number },
  seconds = 60,
): Promise<IdleResult> {
  await execa(process.execPath, [path.join(PROJECT_ROOT, 'scripts/launch.mjs'), 'sync'], {
    cwd: PROJECT_ROOT,
    extendEnv: false,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      MINIO_ENDPOINT: s.endpoint,
      MINIO_ACCESS_KEY: s.accessKey,
      MINIO_SECRET_KEY: s.secretKey,
      MINIO_BUCKET: bucket,
      SYNC_DOWNLOAD_DIRS: tree.dir,
      SYNC_CACHE_FILE: `${work}/state/file_hashes.json`,
      SYNC_LOCK_FILE: `${work}/state/sync.lock`,
      SYNC_LOG_DIR: `${work}/logs`,
      SYNC_STABLE_SECONDS: '0',
      SYNC_CONCURRENCY: String(CONCURRENCY),
    },
  });
  const w = await startWatch(s, bucket, tree.dir, work);
  try {
    const pid = w.child.pid!;
    await sleep(5000); // let the start-up rescan's garbage go
    const a = procStats(pid);
    await sleep(seconds * 1000);
    const b = procStats(pid);
    const folders = Number(
      /watching (\d+) folder/.exec(String(jsonLog(w.logDir).find((e) => e.kind === 'watch.ready')?.msg))?.[1] ?? 0,
    );
    const rescans = () => jsonLog(w.logDir).filter((e) => e.kind === 'watch.rescan').length;
    const before = rescans();
    const c = procStats(pid);
    process.kill(pid, 'SIGHUP');
    while (rescans() === before) await sleep(100);
    const d = procStats(pid);
    return {
      files: tree.files,
      folders,
      idleCpuPct: ((b.cpuS - a.cpuS) / seconds) * 100,
      rssMB: b.rssMB,
      peakRssMB: d.hwmMB,
      rescanCpuS: d.cpuS - c.cpuS,
      rescanPctAtDefault: ((d.cpuS - c.cpuS) / 3600) * 100,
    };
  } finally {
    await w.stop();
  }
}
