// The hash cache's snapshot format: one entry per line, fields separated by tabs, so 100,000
// entries load in a fraction of the time the JSON snapshot of version 1 took (which is still read).
//   telegram-sync cache v2
//   <path>\t<key>\t<sha256>\t<size>\t<mtimeMs>\t<ctimeMs>\t<ino>\t<via>\t<recordedAt>
// A tab, newline, carriage return or backslash in a path or key is written \t \n \r \\.
// Written by ./snapshot-write.ts; the journal (appended as uploads are verified) is ./journal.ts.
import { isAscii } from 'node:buffer';
import type { CachedStat, CacheEntry, CacheVia } from './types.ts';

export const SNAPSHOT_HEADER = 'telegram-sync cache v2';
const VIAS: ReadonlySet<string> = new Set<CacheVia>(['upload', 'adopted', 'dedup', 'rehash', 'copied']);

const unescapeField = (s: string) =>
  s.includes('\\') ? s.replace(/\\([tnr\\])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!) : s;

// A snapshot as read: its bytes, and whether they are all ASCII (most are: then a field is read
// as Latin-1, which costs less than UTF-8). The bytes are kept, not decoded whole: 100,000 lines
// are 27 MB, which a decoded copy would double.
export interface Snapshot {
  readonly bytes: Buffer;
  readonly ascii: boolean;
}

export function snapshotOf(bytes: Buffer): Snapshot {
  return { bytes, ascii: isAscii(bytes) };
}

const [TAB, NL] = [0x09, 0x0a];
const HEADER = Buffer.from(SNAPSHOT_HEADER + '\n');

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

// Index a version 2 snapshot: each entry's path → the offset of its line (a later line for the
// same path wins). Every line is checked (nine fields, a known via) but none is parsed: a run that
// finds 100,000 files unchanged parses each entry once, into an object that does not outlive its
// comparison. Throws on anything but a version 2 snapshot (the caller moves it aside).
// With `lines`, indexes that many lines from `from` and says where to go on (undefined: done).
export function indexSnapshot(
  snap: Snapshot,
  into: Map<string, CacheEntry | number>,
  from?: IndexPosition,
  lines = Infinity,
): IndexPosition | undefined {
  const { bytes } = snap;
  if (!from && (bytes.length < HEADER.length || !bytes.subarray(0, HEADER.length).equals(HEADER)))
    throw new Error('not a version 2 cache');
  let { at, lineNo } = from ?? { at: HEADER.length, lineNo: 2 };
  for (let n = 0; at < bytes.length; lineNo++) {
    if (n++ === lines) return { at, lineNo };
    let end = bytes.indexOf(NL, at);
    if (end < 0) end = bytes.length;
    if (end > at) into.set(fieldOf(snap, at, checkLine(bytes, at, end, lineNo)), at);
    at = end + 1;
  }
  return undefined;
}

export interface IndexPosition {
  readonly at: number;
  readonly lineNo: number;
}

// The eight tabs of the line from `start` to `end` (nine fields), its via one of VIAS; returns
// where the first tab is.
function checkLine(bytes: Buffer, start: number, end: number, lineNo: number): number {
  let t = start - 1;
  for (let i = 0; i < 8; i++) {
    t = bytes.indexOf(TAB, t + 1);
    if (t < 0 || t >= end) throw new Error(`damaged line ${lineNo}`);
    TABS[i] = t;
  }
  const next = bytes.indexOf(TAB, t + 1);
  if ((next >= 0 && next < end) || viaAt(bytes, TABS[6]! + 1, TABS[7]!) === undefined)
    throw new Error(`damaged line ${lineNo}`);
  return TABS[0]!;
}
const TABS = new Array<number>(8);

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
  return {
    path: path ?? fieldOf(snap, start, t[0]!),
    key: fieldOf(snap, t[0]! + 1, t[1]!),
    sha256: latin1(bytes, t[1]! + 1, t[2]!),
    size: numberAt(bytes, t[2]! + 1, t[3]!),
    mtimeMs: numberAt(bytes, t[3]! + 1, t[4]!),
    ctimeMs: numberAt(bytes, t[4]! + 1, t[5]!),
    ino: numberAt(bytes, t[5]! + 1, t[6]!),
    via: viaAt(bytes, t[6]! + 1, t[7]!)!,
    recordedAt: latin1(bytes, t[7]! + 1, end),
  };
}

// Of the entry whose line starts at `start`, what decideFile's first rule reads (no string but
// the key, which only a line with a backslash in it has to unescape).
export function statAt(snap: Snapshot, start: number): CachedStat {
  const { bytes } = snap;
  const t = TABS;
  for (let i = 0, at = start - 1; i < 8; i++) t[i] = at = bytes.indexOf(TAB, at + 1);
  return {
    key: fieldOf(snap, t[0]! + 1, t[1]!),
    size: numberAt(bytes, t[2]! + 1, t[3]!),
    mtimeMs: numberAt(bytes, t[3]! + 1, t[4]!),
    ctimeMs: numberAt(bytes, t[4]! + 1, t[5]!),
    ino: numberAt(bytes, t[5]! + 1, t[6]!),
    via: viaAt(bytes, t[6]! + 1, t[7]!)!,
  };
}

// Every entry of a version 2 snapshot, parsed (throws as indexSnapshot does).
export function parseSnapshot(content: string | Buffer): CacheEntry[] {
  const snap = snapshotOf(Buffer.isBuffer(content) ? content : Buffer.from(content));
  const index = new Map<string, CacheEntry | number>();
  indexSnapshot(snap, index);
  return [...index].map(([path, at]) => entryAt(snap, at as number, path));
}

// The JSON snapshot of version 1, read once and then written again as version 2.
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
