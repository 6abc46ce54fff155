// Writing the hash cache's snapshot (format in ./snapshot.ts): line by line in chunks, runs of
// lines read and never parsed copied as bytes, atomically (temp file, fsync, rename).
import fs from 'node:fs';
import path from 'node:path';
import { afterLine, linesAt, SNAPSHOT_HEADER, type Snapshot } from './snapshot.ts';
import type { CacheEntry } from './types.ts';

const escapeField = (s: string) =>
  /[\t\n\r\\]/.test(s)
    ? s.replace(/[\t\n\r\\]/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' })[c]!)
    : s;

export function formatSnapshotLine(e: CacheEntry): string {
  const fields = [escapeField(e.path), escapeField(e.key), e.sha256, e.size, e.mtimeMs, e.ctimeMs, e.ino, e.via];
  return `${fields.join('\t')}\t${e.recordedAt}\t${e.etag ?? ''}`;
}

// The snapshot's text, chunk by chunk (so a large cache is written without one huge string): the
// header, the bucket it describes, the entries, and the end line with their number. A Buffer is a
// run of version 3 lines as read (entries read from the snapshot and never parsed), copied as is.
export function* formatSnapshot(
  entries: Iterable<CacheEntry | Buffer>,
  destination: string,
  chunkEntries = 4096,
): Generator<string | Buffer> {
  let lines: string[] = [SNAPSHOT_HEADER, `destination\t${escapeField(destination)}`];
  let count = 0;
  const flush = () => {
    const chunk = lines.length ? lines.join('\n') + '\n' : '';
    lines = [];
    return chunk;
  };
  for (const e of entries) {
    if (Buffer.isBuffer(e)) {
      if (lines.length) yield flush();
      yield e;
      count += linesIn(e);
      continue;
    }
    lines.push(formatSnapshotLine(e));
    count++;
    if (lines.length >= chunkEntries) yield flush();
  }
  lines.push(`end\t${count}`);
  yield flush();
}

// Lines in a run of whole lines (each ends with a newline).
function linesIn(run: Buffer): number {
  let n = 0;
  for (let at = run.indexOf(0x0a); at >= 0; at = run.indexOf(0x0a, at + 1)) n++;
  return n;
}

// Entries to write: a changed entry as it is, an offset (an entry read and not changed) as its line
// of `snap`, each run of such lines that follow one another in `snap` as one piece.
export function* linesToWrite(entries: Iterable<CacheEntry | number>, snap: Snapshot): Generator<CacheEntry | Buffer> {
  let [start, end] = [0, 0];
  for (const e of entries) {
    if (typeof e === 'number' && e === end && end > start) {
      end = afterLine(snap, e);
      continue;
    }
    if (end > start) yield linesAt(snap, start, end);
    [start, end] = typeof e === 'number' ? [e, afterLine(snap, e)] : [0, 0];
    if (typeof e !== 'number') yield e;
  }
  if (end > start) yield linesAt(snap, start, end);
}

// Write a new snapshot atomically: a temp file, fsynced, renamed over the old one.
export function writeSnapshotFile(file: string, entries: Iterable<CacheEntry | Buffer>, destination: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const chunk of formatSnapshot(entries, destination)) {
      if (typeof chunk === 'string') fs.writeSync(fd, chunk);
      else for (let at = 0; at < chunk.length;) at += fs.writeSync(fd, chunk, at);
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true }); // a full disk leaves no half snapshot behind
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every filesystem lets a directory be fsynced; the rename itself is still atomic.
  }
}

// Temp files of snapshots an earlier run did not finish (a full disk, a kill mid-write): the run
// holding the lock is the only writer, so every one but its own is a leftover.
export function removeStaleTemps(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => n.startsWith(`${base}.`) && /^\d+\.tmp$/.test(n.slice(base.length + 1)));
  const mine = `${base}.${process.pid}.tmp`;
  for (const n of stale) if (n !== mine) fs.rmSync(path.join(dir, n), { force: true });
  return stale.filter((n) => n !== mine);
}
