// The hash cache: what was uploaded for each local file. A snapshot (./cache-file.ts, written by
// atomic rename) plus an append-only journal of the entries recorded since, so a kill -9 at any
// moment leaves a cache the next run can read, losing at most the uploads still in flight.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.ts';
import { pruneCachesAside } from '../report/retention.ts';
import { formatSnapshot, parseSnapshot, snapshotText } from './cache-file.ts';

export type CacheVia = 'upload' | 'adopted' | 'dedup' | 'rehash' | 'copied';

export interface CacheEntry {
  readonly path: string;
  // The object that holds this content (for a dedup entry, the other file's key).
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly recordedAt: string;
  readonly via: CacheVia;
}

export interface CacheView {
  get(filePath: string): CacheEntry | undefined;
  // An entry whose object really holds this content (uploaded or adopted, not a dedup pointer).
  findContent(sha256: string): CacheEntry | undefined;
  // The entry that put content under `key`, if any.
  ownerOfKey(key: string): CacheEntry | undefined;
}

export class HashCache implements CacheView {
  private readonly byPath = new Map<string, CacheEntry>();
  // Built at their first use: a run that finds every file unchanged never needs them.
  private bySha: Map<string, CacheEntry> | undefined;
  private byKey: Map<string, CacheEntry> | undefined;
  private dedupKeys: Map<string, number> | undefined;
  // Something is not yet in the snapshot (journal entries, new records, an old format).
  private dirty = false;
  private journalFd: number | undefined;
  readonly journalFile: string;

  private constructor(readonly file: string, private readonly log?: Logger, private readonly readOnly = false) {
    this.journalFile = `${file}.journal`;
  }

  // Load snapshot and journal. A damaged snapshot is moved aside (the bucket check rebuilds it);
  // a torn journal line (a write cut by a crash) is skipped.
  // `readOnly` (for --dry-run): a damaged snapshot is ignored but left where it is.
  static open(file: string, options: { log?: Logger; readOnly?: boolean } = {}): HashCache {
    const cache = new HashCache(file, options.log, options.readOnly);
    cache.loadSnapshot();
    cache.loadJournal();
    return cache;
  }

  get size(): number {
    return this.byPath.size;
  }

  entries(): IterableIterator<CacheEntry> {
    return this.byPath.values();
  }

  get(filePath: string): CacheEntry | undefined {
    return this.byPath.get(filePath);
  }

  findContent(sha256: string): CacheEntry | undefined {
    return this.indexes().bySha.get(sha256);
  }

  ownerOfKey(key: string): CacheEntry | undefined {
    return this.indexes().byKey.get(key);
  }

  // Whether a dedup entry points at `key` (such a key must not be removed).
  isReferenced(key: string): boolean {
    if (!this.dedupKeys) {
      this.dedupKeys = new Map();
      for (const e of this.byPath.values()) if (e.via === 'dedup') this.dedupKeys.set(e.key, (this.dedupKeys.get(e.key) ?? 0) + 1);
    }
    return (this.dedupKeys.get(key) ?? 0) > 0;
  }

  // Append one entry to the journal (written to the OS before this returns) and index it.
  record(entry: CacheEntry): void {
    this.journalFd ??= openJournal(this.journalFile);
    fs.writeSync(this.journalFd, JSON.stringify(entry) + '\n');
    this.index(entry);
    this.dirty = true;
  }

  // Write a new snapshot atomically (temp file, fsync, rename), then empty the journal; nothing
  // at all when nothing changed since the snapshot was read.
  compact(): void {
    if (!this.dirty) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const chunk of formatSnapshot(this.byPath.values())) fs.writeSync(fd, chunk);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
    if (this.journalFd !== undefined) {
      fs.closeSync(this.journalFd);
      this.journalFd = undefined;
    }
    fs.rmSync(this.journalFile, { force: true });
    this.dirty = false;
  }

  close(): void {
    if (this.journalFd !== undefined) {
      fs.fsyncSync(this.journalFd);
      fs.closeSync(this.journalFd);
      this.journalFd = undefined;
    }
  }

  private indexes(): { bySha: Map<string, CacheEntry>; byKey: Map<string, CacheEntry> } {
    if (!this.bySha || !this.byKey) {
      this.bySha = new Map();
      this.byKey = new Map();
      for (const e of this.byPath.values()) this.indexContent(e);
    }
    return { bySha: this.bySha, byKey: this.byKey };
  }

  // A dedup entry points at content but never owns a key or holds content itself.
  private indexContent(entry: CacheEntry): void {
    if (entry.via === 'dedup') return;
    this.bySha!.set(entry.sha256, entry);
    this.byKey!.set(entry.key, entry);
  }

  private index(entry: CacheEntry): void {
    const previous = this.byPath.get(entry.path);
    this.byPath.set(entry.path, entry);
    if (this.dedupKeys) {
      if (previous?.via === 'dedup') this.dedupKeys.set(previous.key, (this.dedupKeys.get(previous.key) ?? 1) - 1);
      if (entry.via === 'dedup') this.dedupKeys.set(entry.key, (this.dedupKeys.get(entry.key) ?? 0) + 1);
    }
    if (!this.bySha || !this.byKey) return;
    if (previous && this.bySha.get(previous.sha256) === previous) this.bySha.delete(previous.sha256);
    if (previous && this.byKey.get(previous.key) === previous) this.byKey.delete(previous.key);
    this.indexContent(entry);
  }

  private loadSnapshot(): void {
    let text: string;
    try {
      text = snapshotText(fs.readFileSync(this.file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    let entries: CacheEntry[];
    try {
      entries = text.startsWith('{') ? parseVersion1(text) : parseSnapshot(text);
    } catch (e) {
      return this.setAside(e as Error);
    }
    for (const e of entries) this.byPath.set(e.path, e);
    this.dirty = text.startsWith('{'); // written again in the current format
  }

  private setAside(e: Error): void {
    if (this.readOnly) return this.log?.write({ kind: 'cache.unreadable', file: this.file, error: e.message });
    const aside = `${this.file}.unreadable-${Date.now()}`;
    fs.renameSync(this.file, aside);
    pruneCachesAside(this.file);
    this.log?.write({ kind: 'cache.unreadable', file: this.file, error: e.message, aside });
  }

  private loadJournal(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.journalFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    let torn = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const e: unknown = JSON.parse(line);
        if (isEntry(e)) this.index(e);
        else torn++;
      } catch {
        torn++;
      }
      this.dirty = true;
    }
    if (torn) this.log?.write({ kind: 'cache.journal-torn', file: this.journalFile, lines: torn });
  }
}

// The JSON snapshot of version 1, read once and then written again as version 2.
function parseVersion1(text: string): CacheEntry[] {
  const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
  if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error('not a version 1 cache');
  return (parsed.entries as unknown[]).filter(isEntry);
}

// Open the journal for appending. A crash can leave its last line cut short; the next entry must
// not be glued onto it (and lost with it), so the torn tail is ended with a newline first.
function openJournal(file: string): number {
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

function isEntry(e: unknown): e is CacheEntry {
  const o = e as Record<string, unknown>;
  return (
    !!o && typeof o.path === 'string' && typeof o.key === 'string' && typeof o.sha256 === 'string' &&
    typeof o.size === 'number' && typeof o.mtimeMs === 'number' && typeof o.ctimeMs === 'number' && typeof o.ino === 'number'
  );
}

function fsyncDir(dir: string): void {
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
