// The hash cache: what was uploaded for each local file. A snapshot (./snapshot.ts, written by
// atomic rename) plus an append-only journal of the entries recorded since, so a kill -9 at any
// moment leaves a cache the next run can read, losing at most the uploads still in flight.
import fs from 'node:fs';
import type { Logger } from '../../log/logger.ts';
import type { CachedStat, CacheEntry, CacheView } from './types.ts';
import { moveCacheAside } from './aside.ts';
import {
  afterLine,
  entryAt,
  statAt,
  indexSnapshot,
  linesAt,
  parseVersion1,
  snapshotOf,
  type Snapshot,
} from './snapshot.ts';
import { writeSnapshotFile } from './snapshot-write.ts';
import { openJournal, readJournal } from './journal.ts';

export class HashCache implements CacheView {
  // An entry, or (read from the snapshot and not changed since) the offset of its line in `snap`.
  private readonly byPath = new Map<string, CacheEntry | number>();
  private snap: Snapshot | undefined;
  // Built at their first use: a run that finds every file unchanged never needs them.
  private bySha: Map<string, CacheEntry> | undefined;
  private byKey: Map<string, CacheEntry> | undefined;
  private dedupKeys: Map<string, number> | undefined;
  // Something is not yet in the snapshot (journal entries, new records, an old format).
  private dirty = false;
  private journalFd: number | undefined;
  readonly journalFile: string;

  private constructor(
    readonly file: string,
    private readonly log?: Logger,
    private readonly readOnly = false,
  ) {
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

  // The same, read off the main thread and indexed a slice at a time, giving way to the event
  // loop in between (so the scan goes on meanwhile).
  static async load(file: string, options: { log?: Logger; readOnly?: boolean } = {}): Promise<HashCache> {
    const cache = new HashCache(file, options.log, options.readOnly);
    const bytes = await fs.promises
      .readFile(file)
      .catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    await cache.useSnapshot(bytes, async (snap) => {
      for (
        let at = indexSnapshot(snap, cache.byPath, undefined, SLICE_LINES);
        at;
        at = indexSnapshot(snap, cache.byPath, at, SLICE_LINES)
      )
        await nextTurn();
    });
    cache.loadJournal();
    return cache;
  }

  get size(): number {
    return this.byPath.size;
  }

  *entries(): IterableIterator<CacheEntry> {
    for (const [p, e] of this.byPath) yield this.entry(p, e);
  }

  get(filePath: string): CacheEntry | undefined {
    const e = this.byPath.get(filePath);
    return e === undefined ? undefined : this.entry(filePath, e);
  }

  statOf(filePath: string): CachedStat | undefined {
    const e = this.byPath.get(filePath);
    return typeof e === 'number' ? statAt(this.snap!, e) : e;
  }

  // A line is parsed each time it is asked for, into an object nobody keeps for long: holding
  // 100,000 parsed entries costs more (memory, and the collector's time) than parsing them.
  private entry(path: string, e: CacheEntry | number): CacheEntry {
    return typeof e === 'number' ? entryAt(this.snap!, e, path) : e;
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
      for (const e of this.entries())
        if (e.via === 'dedup') this.dedupKeys.set(e.key, (this.dedupKeys.get(e.key) ?? 0) + 1);
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
    writeSnapshotFile(this.file, this.snapshotLines());
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

  // What the next snapshot holds: entries, and the lines read that did not change (copied as they
  // are, each run of lines that follow one another in the old snapshot as one piece).
  private *snapshotLines(): Generator<CacheEntry | Buffer> {
    let [start, end] = [0, 0];
    for (const e of this.byPath.values()) {
      if (typeof e === 'number' && e === end && end > start) {
        end = afterLine(this.snap!, e);
        continue;
      }
      if (end > start) yield linesAt(this.snap!, start, end);
      [start, end] = typeof e === 'number' ? [e, afterLine(this.snap!, e)] : [0, 0];
      if (typeof e !== 'number') yield e;
    }
    if (end > start) yield linesAt(this.snap!, start, end);
  }

  private indexes(): { bySha: Map<string, CacheEntry>; byKey: Map<string, CacheEntry> } {
    if (!this.bySha || !this.byKey) {
      this.bySha = new Map();
      this.byKey = new Map();
      for (const [p, e] of this.byPath) {
        const entry = this.entry(p, e);
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

  // Take in the snapshot's bytes (undefined: there is none). A damaged one is set aside whole.
  private useSnapshot(bytes: Buffer | undefined, index?: (snap: Snapshot) => Promise<void>): void | Promise<void> {
    if (bytes === undefined) return;
    const fail = (e: unknown) => {
      this.byPath.clear();
      this.setAside(e as Error);
    };
    try {
      if (bytes[0] === 0x7b /* { */) {
        for (const e of parseVersion1(bytes.toString('utf8'))) this.byPath.set(e.path, e);
        this.dirty = true; // written again in the current format
        return;
      }
      this.snap = snapshotOf(bytes);
      if (index) return index(this.snap).catch(fail);
      indexSnapshot(this.snap, this.byPath);
    } catch (e) {
      fail(e);
    }
  }

  private setAside(e: Error): void {
    if (this.readOnly) return this.log?.write({ kind: 'cache.unreadable', file: this.file, error: e.message });
    const aside = moveCacheAside(this.file);
    this.log?.write({ kind: 'cache.unreadable', file: this.file, error: e.message, aside });
  }

  private loadJournal(): void {
    const { entries, torn } = readJournal(this.journalFile);
    for (const e of entries) this.index(e);
    if (entries.length || torn) this.dirty = true;
    if (torn) this.log?.write({ kind: 'cache.journal-torn', file: this.journalFile, lines: torn });
  }
}

const SLICE_LINES = 10_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

// The snapshot's bytes, or undefined when there is none.
function readSnapshot(read: () => Buffer): Buffer | undefined {
  try {
    return read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
