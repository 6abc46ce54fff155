// The hash cache's snapshot format: one entry per line, fields separated by tabs, so 100,000
// entries load in a fraction of the time the JSON snapshot of version 1 took (which is still read).
//   telegram-sync cache v2
//   <path>\t<key>\t<sha256>\t<size>\t<mtimeMs>\t<ctimeMs>\t<ino>\t<via>\t<recordedAt>
// A tab, newline, carriage return or backslash in a path or key is written \t \n \r \\.
// Also the journal's file handling and the directory fsync the snapshot's rename needs.
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import type { CacheEntry, CacheVia } from './cache.ts';

export const SNAPSHOT_HEADER = 'telegram-sync cache v2';
const VIAS: ReadonlySet<string> = new Set<CacheVia>(['upload', 'adopted', 'dedup', 'rehash', 'copied']);

const escapeField = (s: string) => (/[\t\n\r\\]/.test(s) ? s.replace(/[\t\n\r\\]/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' })[c]!) : s);
const unescapeField = (s: string) => (s.includes('\\') ? s.replace(/\\([tnr\\])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!) : s);

export function formatSnapshotLine(e: CacheEntry): string {
  return `${escapeField(e.path)}\t${escapeField(e.key)}\t${e.sha256}\t${e.size}\t${e.mtimeMs}\t${e.ctimeMs}\t${e.ino}\t${e.via}\t${e.recordedAt}`;
}

// The snapshot's text, chunk by chunk (so a large cache is written without one huge string). A
// string is a line already in the format (an entry read from the snapshot and never parsed).
export function* formatSnapshot(entries: Iterable<CacheEntry | string>, chunkEntries = 4096): Generator<string> {
  let lines: string[] = [SNAPSHOT_HEADER];
  for (const e of entries) {
    lines.push(typeof e === 'string' ? e : formatSnapshotLine(e));
    if (lines.length >= chunkEntries) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

// A snapshot file's text: read as Latin-1 when it is all ASCII (most are; decoding 100,000
// lines of UTF-8 costs more than parsing them), as UTF-8 otherwise.
export function snapshotText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

// Index a version 2 snapshot: each entry's path → the offset of its line in `text` (a later line
// for the same path wins). Every line is checked (nine fields, a known via) but none is parsed:
// a run that finds 100,000 files unchanged parses each entry once, into an object that does not
// outlive its comparison. Throws on anything but a version 2 snapshot (the caller moves it aside).
// With `lines`, indexes that many lines from `from` and says where to go on (undefined: done).
export function indexSnapshot(text: string, into: Map<string, CacheEntry | number>, from?: IndexPosition, lines = Infinity): IndexPosition | undefined {
  if (!from && !text.startsWith(SNAPSHOT_HEADER + '\n')) throw new Error('not a version 2 cache');
  let { at, lineNo } = from ?? { at: SNAPSHOT_HEADER.length + 1, lineNo: 2 };
  for (let n = 0; at < text.length; lineNo++) {
    if (n++ === lines) return { at, lineNo };
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (end > at) {
      const firstTab = checkLine(text, at, end, lineNo);
      into.set(unescapeField(text.slice(at, firstTab)), at);
    }
    at = end + 1;
  }
  return undefined;
}

export interface IndexPosition {
  readonly at: number;
  readonly lineNo: number;
}

// The nine fields of the line from `start` to `end` are there and its via is known; returns
// where the first tab is.
function checkLine(text: string, start: number, end: number, lineNo: number): number {
  const first = text.indexOf('\t', start);
  let t = first;
  for (let i = 1; i < 8 && t >= 0 && t < end; i++) t = text.indexOf('\t', t + 1);
  const next = t < 0 ? -1 : text.indexOf('\t', t + 1);
  if (first < 0 || t < 0 || t >= end || (next >= 0 && next < end) || !VIAS.has(text.slice(text.lastIndexOf('\t', t - 1) + 1, t))) {
    throw new Error(`damaged line ${lineNo}`);
  }
  return first;
}

const lineEnd = (text: string, start: number) => {
  const end = text.indexOf('\n', start);
  return end < 0 ? text.length : end;
};

// The line (as written) that starts at `start`.
export function lineAt(text: string, start: number): string {
  return text.slice(start, lineEnd(text, start));
}

// The entry whose line starts at `start` (a line indexSnapshot checked).
export function entryAt(text: string, start: number): CacheEntry {
  const end = lineEnd(text, start);
  const tabs = TABS;
  let t = start - 1;
  for (let i = 0; i < 8; i++) tabs[i] = t = text.indexOf('\t', t + 1);
  return {
    path: unescapeField(text.slice(start, tabs[0])), key: unescapeField(text.slice(tabs[0]! + 1, tabs[1])), sha256: text.slice(tabs[1]! + 1, tabs[2]),
    size: Number(text.slice(tabs[2]! + 1, tabs[3])), mtimeMs: Number(text.slice(tabs[3]! + 1, tabs[4])), ctimeMs: Number(text.slice(tabs[4]! + 1, tabs[5])),
    ino: Number(text.slice(tabs[5]! + 1, tabs[6])), via: text.slice(tabs[6]! + 1, tabs[7]) as CacheVia, recordedAt: text.slice(tabs[7]! + 1, end),
  };
}
const TABS = new Array<number>(8);

// Every entry of a version 2 snapshot, parsed (throws as indexSnapshot does).
export function parseSnapshot(text: string): CacheEntry[] {
  const index = new Map<string, CacheEntry | number>();
  indexSnapshot(text, index);
  return [...index.values()].map((at) => entryAt(text, at as number));
}

// The JSON snapshot of version 1, read once and then written again as version 2.
export function parseVersion1(text: string): CacheEntry[] {
  const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
  if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error('not a version 1 cache');
  return (parsed.entries as unknown[]).filter(isEntry);
}

// Open the journal for appending. A crash can leave its last line cut short; the next entry must
// not be glued onto it (and lost with it), so the torn tail is ended with a newline first.
export function openJournal(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a+');
  const size = fs.fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
  }
  return fd;
}

export function isEntry(e: unknown): e is CacheEntry {
  const o = e as Record<string, unknown>;
  return (
    !!o && typeof o.path === 'string' && typeof o.key === 'string' && typeof o.sha256 === 'string' &&
    typeof o.size === 'number' && typeof o.mtimeMs === 'number' && typeof o.ctimeMs === 'number' && typeof o.ino === 'number'
  );
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
