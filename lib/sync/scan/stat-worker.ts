// Stat many files at once on a worker thread. A stat is a few microseconds in the kernel and as
// many in Node; for 100,000 files that is most of a no-op run. On a worker the stats of the
// next directories overlap with the main thread's work on the one before (and with the cache).
// The worker is plain JavaScript given as source (no file to find in a bundle), made for a
// scan when a directory is large enough to pay for it, and never holds the process open.
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

// What the scan needs of a stat (fs.Stats has it all).
export interface StatLike {
  isDirectory(): boolean;
  isFile(): boolean;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
}

// A stat, or the error code of the stat that failed.
export type StatResult = StatLike | { readonly code: string };

// Stat each path (following links), in order.
export type StatMany = (paths: ReadonlyArray<string | Buffer>) => Promise<StatResult[]>;

const FIELDS = 6; // mode, size, mtimeMs, ctimeMs, ino, dev
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
// Below this many paths a batch is stat'ed on the main thread: a message costs more.
export const WORKER_MIN_BATCH = 64;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', ({ id, joined }) => {
  const paths = joined.split('\\0');
  const out = new Float64Array(paths.length * ${FIELDS});
  const errors = {};
  for (let i = 0, o = 0; i < paths.length; i++, o += ${FIELDS}) {
    try {
      const st = fs.statSync(paths[i]);
      out[o] = st.mode;
      out[o + 1] = st.size;
      out[o + 2] = st.mtimeMs;
      out[o + 3] = st.ctimeMs;
      out[o + 4] = st.ino;
      out[o + 5] = st.dev;
    } catch (e) {
      errors[i] = (e && e.code) || 'EIO';
    }
  }
  parentPort.postMessage({ id, out, errors }, [out.buffer]);
});
`;

class PackedStat implements StatLike {
  constructor(
    private readonly mode: number,
    readonly size: number,
    readonly mtimeMs: number,
    readonly ctimeMs: number,
    readonly ino: number,
    readonly dev: number,
  ) {}
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }
}

export function statSyncResult(p: string | Buffer): StatResult {
  try {
    return fs.statSync(p);
  } catch (e) {
    return { code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
}

// On the main thread, one by one.
export const statManySync: StatMany = async (paths) => paths.map(statSyncResult);

interface Reply {
  readonly id: number;
  readonly out: Float64Array;
  readonly errors: Record<number, string>;
}

// A StatMany that sends large batches of string paths to worker threads (made at the first such
// batch; `threads` of them, by default one: the main thread is the busier side), in chunks
// spread over them; `close` ends them. Paths given as bytes, and small batches, stay here.
export function createStatWorker(options: { threads?: number } = {}): {
  statMany: StatMany;
  close: () => Promise<void>;
  started: () => number;
} {
  const threads = Math.max(1, Math.min(options.threads ?? 1, os.availableParallelism()));
  const workers: Array<{ readonly worker: Worker; pending: number }> = [];
  let failed = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  const fail = (e: Error) => {
    failed = true;
    for (const p of waiting.values()) p.reject(e);
    waiting.clear();
  };
  const start = () => {
    const slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), pending: 0 };
    slot.worker.unref(); // held only while a reply is awaited
    slot.worker.on('message', (r: Reply) => {
      if (--slot.pending === 0) slot.worker.unref();
      waiting.get(r.id)?.resolve(r);
      waiting.delete(r.id);
    });
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`the stat worker exited (${code})`)));
    return slot;
  };
  const send = (paths: readonly string[]) => {
    const id = nextId++;
    const slot = (workers[id % threads] ??= start());
    if (slot.pending++ === 0) slot.worker.ref();
    return new Promise<Reply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, joined: paths.join('\0') }); // one string: far cheaper to send than many
    });
  };
  // A worker that fails (it should not) leaves the stats to this thread: a scan never fails for it.
  const statMany: StatMany = async (paths) => {
    if (paths.length < WORKER_MIN_BATCH || failed || paths.some((p) => typeof p !== 'string'))
      return statManySync(paths);
    const chunks: Array<readonly string[]> = [];
    for (let i = 0; i < paths.length; i += CHUNK) chunks.push(paths.slice(i, i + CHUNK) as string[]);
    const replies = await Promise.all(chunks.map(send)).catch(() => undefined);
    if (!replies) return statManySync(paths);
    return replies.flatMap((reply, c) => chunks[c]!.map((_, i) => unpack(reply, i)));
  };
  const close = async () => {
    failed = true; // later batches stay on this thread
    await Promise.all(workers.map((w) => w.worker.terminate()));
  };
  return { statMany, close, started: () => workers.filter(Boolean).length };
}

// Paths per message: a large directory is spread over the workers.
const CHUNK = 512;

function unpack(reply: Reply, i: number): StatResult {
  const code = reply.errors[i];
  if (code !== undefined) return { code };
  const o = i * FIELDS;
  const v = reply.out;
  return new PackedStat(v[o]!, v[o + 1]!, v[o + 2]!, v[o + 3]!, v[o + 4]!, v[o + 5]!);
}
