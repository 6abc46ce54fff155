// The hash cache's snapshot format: one entry per line, fields separated by tabs, so 100,000
// entries load in a fraction of the time the JSON snapshot of version 1 took (which is still read).
//   telegram-sync cache v3
//   destination\t<the bucket it describes: http://host:port/bucket>
//   <path>\t<key>\t<sha256>\t<size>\t<mtimeMs>\t<ctimeMs>\t<ino>\t<via>\t<recordedAt>\t<etag>
//   end\t<the number of entry lines>
// A tab, newline, carriage return or backslash in a path, key or destination is written \t \n \r
// \\. The end line makes a snapshot know it is whole: one cut short anywhere is refused (and moved
// aside). Version 2 (no destination, no ETag, no end line) is still read, and written again as 3.
// Written by ./snapshot-write.ts; the journal (appended as uploads are verified) is ./journal.ts.
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import type { CachedStat, CacheEntry, CacheVia } from './types.ts';

export const SNAPSHOT_HEADER = 'telegram-sync cache v3';
const HEADER_V2 = 'telegram-sync cache v2';
const VIAS: ReadonlySet<string> = new Set<CacheVia>(['upload', 'adopted', 'dedup', 'rehash', 'copied']);

const unescapeField = (s: string) =>
  s.includes('\\') ? s.replace(/\\([tnr\\])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!) : s;

// A snapshot as read: its bytes, and whether they are all ASCII (most are: then a field is read
// as Latin-1, which costs less than UTF-8). The bytes are kept, not decoded whole: 100,000 lines
// are 27 MB, which a decoded copy would double. Its header read: the version (its entry lines
// have 9 fields in version 2, 10 in 3), the bucket it describes, where the entries start.
export interface Snapshot {
  readonly bytes: Buffer;
  readonly ascii: boolean;
  readonly version: 2 | 3;
  readonly destination: string | undefined;
  readonly entriesAt: number;
}

const [TAB, NL] = [0x09, 0x0a];
const DESTINATION = 'destination\t';
const END = Buffer.from('end\t');

// The snapshot in `bytes`, its header read; throws on anything but a version 2 or 3 snapshot.
export function snapshotOf(bytes: Buffer): Snapshot {
  const ascii = isAscii(bytes);
  const first = lineEnd(bytes, 0);
  const header = bytes.toString('latin1', 0, first);
  if (header === HEADER_V2) return { bytes, ascii, version: 2, destination: undefined, entriesAt: first + 1 };
  if (header !== SNAPSHOT_HEADER) throw new Error('not a version 2 or 3 cache');
  const second = lineEnd(bytes, first + 1);
  const line = bytes.toString('utf8', first + 1, second);
  if (!line.startsWith(DESTINATION)) throw new Error('damaged line 2 (no destination)');
  const destination = unescapeField(line.slice(DESTINATION.length));
  return { bytes, ascii, version: 3, destination, entriesAt: second + 1 };
}

// Buffer's own slice methods (what toString calls after checking its arguments): 100,000 lines
// are read in half the time. Checked once; toString where they are missing.
type Slicer = (bytes: Buffer, start: number, end: number) => string;
const sliceWith = (method: 'latin1Slice' | 'utf8Slice', encoding: BufferEncoding): Slicer => {
  const own = (Buffer.prototype as unknown as Record<string, unknown>)[method];
  return typeof own === 'function'
    ? (b, start, end) => (own as (this: Buffer, s: number, e: number) => string).call(b, start, end)
    : (b, start, end) => b.toString(encoding, start, end);
};
const latin1: Slicer = sliceWith('latin1Slice', 'latin1');
const utf8: Slicer = sliceWith('utf8Slice', 'utf8');

// A path or key field, as text.
const fieldOf = (s: Snapshot, start: number, end: number) =>
  unescapeField((s.ascii ? latin1 : utf8)(s.bytes, start, end));

// Index a snapshot: each entry's path → the offset of its line (a later line for the same path
// wins). Every line is checked (its fields, a known via) but none is parsed: a run that finds
// 100,000 files unchanged parses each entry once, into an object that does not outlive its
// comparison. A version 3 snapshot must end with its end line, naming as many entries as it holds.
// Throws on damage (the caller moves the snapshot aside). With `lines`, indexes that many lines
// from `from` and says where to go on (undefined: done).
export function indexSnapshot(
  snap: Snapshot,
  into: Map<string, CacheEntry | number>,
  from?: IndexPosition,
  lines = Infinity,
): IndexPosition | undefined {
  const { bytes } = snap;
  const tabs = snap.version === 3 ? 9 : 8;
  let { at, lineNo, entries } = from ?? { at: snap.entriesAt, lineNo: snap.version === 3 ? 3 : 2, entries: 0 };
  for (let n = 0; at < bytes.length; lineNo++) {
    if (n++ === lines) return { at, lineNo, entries };
    const end = lineEnd(bytes, at);
    if (snap.version === 3 && isEndLine(bytes, at)) return checkEnd(snap, at, end, entries);
    if (end > at) {
      into.set(fieldOf(snap, at, checkLine(bytes, at, end, lineNo, tabs)), at);
      entries++;
    }
    at = end + 1;
  }
  if (snap.version === 3) throw new Error(`cut short after ${entries} entries (no end line)`);
  return undefined;
}

export interface IndexPosition {
  readonly at: number;
  readonly lineNo: number;
  readonly entries: number;
}

const isEndLine = (bytes: Buffer, at: number) =>
  at + END.length <= bytes.length && bytes.compare(END, 0, END.length, at, at + END.length) === 0;

// The end line names the number of entries and is the last line.
function checkEnd(snap: Snapshot, at: number, end: number, entries: number): undefined {
  const count = Number(snap.bytes.toString('latin1', at + END.length, end));
  if (count !== entries) throw new Error(`damaged: its end line names ${count} entries, it holds ${entries}`);
  if (end + 1 < snap.bytes.length) throw new Error('damaged: lines after its end line');
  return undefined;
}

// The tabs of the line from `start` to `end` (`tabs` + 1 fields), its via one of VIAS; returns
// where the first tab is.
function checkLine(bytes: Buffer, start: number, end: number, lineNo: number, tabs: number): number {
  let t = start - 1;
  for (let i = 0; i < tabs; i++) {
    t = bytes.indexOf(TAB, t + 1);
    if (t < 0 || t >= end) throw new Error(`damaged line ${lineNo}`);
    TABS[i] = t;
  }
  const next = bytes.indexOf(TAB, t + 1);
  if ((next >= 0 && next < end) || viaAt(bytes, TABS[6]! + 1, TABS[7]!) === undefined)
    throw new Error(`damaged line ${lineNo}`);
  return TABS[0]!;
}
const TABS = new Array<number>(9);

const VIA_BYTES = [...VIAS].map((v) => ({ via: v as CacheVia, bytes: Buffer.from(v) }));
// The via written from `start` to `end`, as the one constant string for it (nothing allocated).
function viaAt(bytes: Buffer, start: number, end: number): CacheVia | undefined {
  for (const v of VIA_BYTES)
    if (v.bytes.length === end - start && bytes.compare(v.bytes, 0, v.bytes.length, start, end) === 0) return v.via;
  return undefined;
}

// A number written from `start` to `end`: digits only (sizes, inodes) read in place, anything
// else as Number() reads it.
function numberAt(bytes: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9 || i - start > 14) return Number(latin1(bytes, start, end));
    n = n * 10 + d;
  }
  return n;
}

const lineEnd = (bytes: Buffer, start: number) => {
  const end = bytes.indexOf(NL, start);
  return end < 0 ? bytes.length : end;
};

// Where the line that starts at `start` ends, its newline included.
export function afterLine(snap: Snapshot, start: number): number {
  return Math.min(snap.bytes.length, lineEnd(snap.bytes, start) + 1);
}

// The bytes from `start` to `end` (whole lines as read), ending with a newline.
export function linesAt(snap: Snapshot, start: number, end: number): Buffer {
  const lines = snap.bytes.subarray(start, end);
  return lines[lines.length - 1] === NL ? lines : Buffer.concat([lines, Buffer.from('\n')]);
}

// The entry whose line starts at `start` (a line indexSnapshot checked); `path` when the caller
// has it already.
export function entryAt(snap: Snapshot, start: number, path?: string): CacheEntry {
  const { bytes } = snap;
  const end = lineEnd(bytes, start);
  const t = TABS;
  for (let i = 0, at = start - 1; i < 8; i++) t[i] = at = bytes.indexOf(TAB, at + 1);
  const recordedEnd = snap.version === 3 ? bytes.indexOf(TAB, t[7]! + 1) : end;
  const etag = snap.version === 3 ? latin1(bytes, recordedEnd + 1, end) : '';
  return {
    path: path ?? fieldOf(snap, start, t[0]!),
    key: fieldOf(snap, t[0]! + 1, t[1]!),
    sha256: latin1(bytes, t[1]! + 1, t[2]!),
    size: numberAt(bytes, t[2]! + 1, t[3]!),
    mtimeMs: numberAt(bytes, t[3]! + 1, t[4]!),
    ctimeMs: numberAt(bytes, t[4]! + 1, t[5]!),
    ino: numberAt(bytes, t[5]! + 1, t[6]!),
    via: viaAt(bytes, t[6]! + 1, t[7]!)!,
    recordedAt: latin1(bytes, t[7]! + 1, recordedEnd),
    ...(etag ? { etag } : {}),
  };
}

// Of the entry whose line starts at `start`, what decideFile's first rule reads (no string but
// the key, which only a line with a backslash in it has to unescape).
export function statAt(snap: Snapshot, start: number): CachedStat {
  const { bytes } = snap;
  const t = TABS;
  for (let i = 0, at = start - 1; i < 8; i++) t[i] = at = bytes.indexOf(TAB, at + 1);
  const etagAt = snap.version === 3 ? bytes.indexOf(TAB, t[7]! + 1) + 1 : 0;
  const etag = etagAt ? latin1(bytes, etagAt, lineEnd(bytes, etagAt)) : '';
  return {
    ...(etag ? { etag } : {}),
    key: fieldOf(snap, t[0]! + 1, t[1]!),
    size: numberAt(bytes, t[2]! + 1, t[3]!),
    mtimeMs: numberAt(bytes, t[3]! + 1, t[4]!),
    ctimeMs: numberAt(bytes, t[4]! + 1, t[5]!),
    ino: numberAt(bytes, t[5]! + 1, t[6]!),
    via: viaAt(bytes, t[6]! + 1, t[7]!)!,
  };
}

// Every entry of a snapshot, parsed (throws as indexSnapshot does).
export function parseSnapshot(content: string | Buffer): CacheEntry[] {
  const snap = snapshotOf(Buffer.isBuffer(content) ? content : Buffer.from(content));
  const index = new Map<string, CacheEntry | number>();
  indexSnapshot(snap, index);
  return [...index].map(([path, at]) => entryAt(snap, at as number, path));
}

// The JSON snapshot of version 1, read once and then written again as version 3.
export function parseVersion1(text: string): CacheEntry[] {
  const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
  if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error('not a version 1 cache');
  return (parsed.entries as unknown[]).filter(isEntry);
}

export function isEntry(e: unknown): e is CacheEntry {
  const o = e as Record<string, unknown>;
  return (
    !!o &&
    typeof o.path === 'string' &&
    typeof o.key === 'string' &&
    typeof o.sha256 === 'string' &&
    typeof o.size === 'number' &&
    typeof o.mtimeMs === 'number' &&
    typeof o.ctimeMs === 'number' &&
    typeof o.ino === 'number'
  );
}

// The file's bytes, or undefined when there is none.
export function readIfThere(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
