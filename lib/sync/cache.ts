// The hash cache: what was uploaded for each local file. A snapshot (./cache-file.ts, written by
// atomic rename) plus an append-only journal of the entries recorded since, so a kill -9 at any
// moment leaves a cache the next run can read, losing at most the uploads still in flight.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.ts';
import { pruneCachesAside } from '../report/retention.ts';
import { entryAt, formatSnapshot, fsyncDir, indexSnapshot, isEntry, lineAt, openJournal, parseVersion1, snapshotText } from './cache-file.ts';

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
  // An entry, or (read from the snapshot and not changed since) the offset of its line in `text`.
  private readonly byPath = new Map<string, CacheEntry | number>();
  private text = '';
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
    cache.useSnapshot(readSnapshot(() => fs.readFileSync(cache.file)));
    cache.loadJournal();
    return cache;
  }

  // The same, read off the main thread (the bytes not kept past their decoding) and indexed a slice
  // at a time, giving way to the event loop in between (so the scan goes on meanwhile).
  static async load(file: string, options: { log?: Logger; readOnly?: boolean } = {}): Promise<HashCache> {
    const cache = new HashCache(file, options.log, options.readOnly);
    const text = await fs.promises.readFile(file).then(snapshotText, (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    await cache.useSnapshot(text, async (text) => {
      for (let at = indexSnapshot(text, cache.byPath, undefined, SLICE_LINES); at; at = indexSnapshot(text, cache.byPath, at, SLICE_LINES)) await nextTurn();
    });
    cache.loadJournal();
    return cache;
  }

  get size(): number {
    return this.byPath.size;
  }

  *entries(): IterableIterator<CacheEntry> {
    for (const e of this.byPath.values()) yield this.entry(e);
  }

  get(filePath: string): CacheEntry | undefined {
    const e = this.byPath.get(filePath);
    return e === undefined ? undefined : this.entry(e);
  }

  // A line is parsed each time it is asked for, into an object nobody keeps for long: holding
  // 100,000 parsed entries costs more (memory, and the collector's time) than parsing them.
  private entry(e: CacheEntry | number): CacheEntry {
    return typeof e === 'number' ? entryAt(this.text, e) : e;
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
      for (const e of this.entries()) if (e.via === 'dedup') this.dedupKeys.set(e.key, (this.dedupKeys.get(e.key) ?? 0) + 1);
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
      for (const chunk of formatSnapshot(this.snapshotLines())) fs.writeSync(fd, chunk);
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

  // What the next snapshot holds: entries, and the lines read that did not change (copied as they are).
  private *snapshotLines(): Generator<CacheEntry | string> {
    for (const e of this.byPath.values()) yield typeof e === 'number' ? lineAt(this.text, e) : e;
  }

  private indexes(): { bySha: Map<string, CacheEntry>; byKey: Map<string, CacheEntry> } {
    if (!this.bySha || !this.byKey) {
      this.bySha = new Map();
      this.byKey = new Map();
      for (const [p, e] of this.byPath) {
        const entry = this.entry(e);
        if (entry !== e) this.byPath.set(p, entry); // kept parsed: the indexes know entries by identity
        this.indexContent(entry);
      }
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
    const previous = this.get(entry.path);
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

  // Take in the snapshot's text (undefined: there is none). A damaged one is set aside whole.
  private useSnapshot(text: string | undefined, index?: (text: string) => Promise<void>): void | Promise<void> {
    if (text === undefined) return;
    const fail = (e: unknown) => {
      this.byPath.clear();
      this.setAside(e as Error);
    };
    try {
      if (text.startsWith('{')) {
        for (const e of parseVersion1(text)) this.byPath.set(e.path, e);
        this.dirty = true; // written again in the current format
        return;
      }
      this.text = text;
      if (index) return index(text).catch(fail);
      indexSnapshot(text, this.byPath);
    } catch (e) {
      fail(e);
    }
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

const SLICE_LINES = 10_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

// The snapshot's text, or undefined when there is none.
function readSnapshot(read: () => Buffer): string | undefined {
  try {
    return snapshotText(read());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
