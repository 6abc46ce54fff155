// The hash cache: what was uploaded for each local file. A snapshot (./snapshot.ts, written by
// atomic rename) plus an append-only journal of the entries recorded since, so a kill -9 at any
// moment leaves a cache the next run can read, losing at most the uploads still in flight.
import fs from 'node:fs';
import type { Logger } from '../../log/logger.ts';
import type { CachedStat, CacheEntry, CacheView } from './types.ts';
import { stateDiskError } from '../../errors.ts';
import { type AsideReason, setCacheAside } from './aside.ts';
import { ContentIndex } from './content-index.ts';
import { type Snapshot, entryAt, indexSnapshot, parseVersion1, readIfThere, snapshotOf, statAt } from './snapshot.ts';
import { linesToWrite, removeStaleTemps, writeSnapshotFile } from './snapshot-write.ts';
import { openJournal, readJournal } from './journal.ts';

export interface CacheOptions {
  readonly log?: Logger;
  // A dry run: nothing is moved or written.
  readonly readOnly?: boolean;
  // The bucket this run writes to (http://host:port/bucket).
  readonly destination?: string;
  // A cache made for another destination (another endpoint, or the same server under another
  // name): 'set-aside' moves it away; 'prove' keeps its entries as hints, to be taken for this
  // bucket only where its listing proves them (key, size, ETag), and writes it again as this one's.
  readonly foreign?: 'set-aside' | 'prove';
}

export class HashCache implements CacheView {
  // An entry, or (read from the snapshot and not changed since) the offset of its line in `snap`.
  private readonly byPath = new Map<string, CacheEntry | number>();
  private snap: Snapshot | undefined;
  // By content and by key, built at their first use.
  private readonly content = new ContentIndex(() => this.parsedEntries());
  // Something is not yet in the snapshot (journal entries, new records, an old format).
  private dirty = false;
  private journalFd: number | undefined;
  readonly journalFile: string;

  private constructor(
    readonly file: string,
    private readonly options: CacheOptions,
  ) {
    this.journalFile = `${file}.journal`;
  }

  // The bucket the cache describes: the one given, else the one its snapshot names.
  get destination(): string {
    return this.options.destination ?? this.snap?.destination ?? '';
  }

  // Load snapshot and journal. A damaged snapshot is moved aside (the bucket check rebuilds it);
  // a torn journal line (a write cut by a crash) is skipped. A cache made for another bucket (or
  // endpoint) than `destination` is moved aside too: nothing it says holds for this one.
  // `readOnly` (for --dry-run): a damaged or foreign snapshot is ignored but left where it is.
  static open(file: string, options: CacheOptions = {}): HashCache {
    const cache = new HashCache(file, options);
    cache.useSnapshot(readIfThere(cache.file));
    cache.loadJournal();
    return cache;
  }

  // The same, read off the main thread and indexed a slice at a time, giving way to the event
  // loop in between (so the scan goes on meanwhile).
  static async load(file: string, options: CacheOptions = {}): Promise<HashCache> {
    const cache = new HashCache(file, options);
    if (!options.readOnly) removeStaleTemps(file);
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

  // How many entries are for files under `dir`.
  entriesUnder(dir: string): number {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    let n = 0;
    for (const p of this.byPath.keys()) if (p.startsWith(prefix)) n++;
    return n;
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
    return this.content.findContent(sha256);
  }

  ownerOfKey(key: string): CacheEntry | undefined {
    return this.content.ownerOfKey(key);
  }

  isReferenced(key: string): boolean {
    return this.content.isReferenced(key);
  }

  // Every entry, each kept parsed from now on (the content index knows entries by identity).
  private *parsedEntries(): Generator<CacheEntry> {
    for (const [p, e] of this.byPath) {
      const entry = this.entry(p, e);
      if (entry !== e) this.byPath.set(p, entry);
      yield entry;
    }
  }

  // Append one entry to the journal (written to the OS before this returns) and index it.
  record(entry: CacheEntry): void {
    try {
      this.journalFd ??= openJournal(this.journalFile, this.destination);
      fs.writeSync(this.journalFd, JSON.stringify(entry) + '\n');
    } catch (e) {
      throw stateDiskError(e, this.journalFile) ?? e;
    }
    this.index(entry);
    this.dirty = true;
  }

  // Write a new snapshot atomically (temp file, fsync, rename), then empty the journal; nothing
  // at all when nothing changed since the snapshot was read.
  compact(): void {
    if (!this.dirty) return;
    try {
      writeSnapshotFile(this.file, this.snapshotLines(), this.destination);
    } catch (e) {
      throw stateDiskError(e, this.file) ?? e;
    }
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

  // What the next snapshot holds (./snapshot-write.ts): entries, and runs of lines read that did not
  // change; a snapshot of an older format is written anew.
  private snapshotLines(): Iterable<CacheEntry | Buffer> {
    return this.snap?.version === 3 ? linesToWrite(this.byPath.values(), this.snap) : this.parsedEntries();
  }

  private index(entry: CacheEntry): void {
    const previous = this.get(entry.path);
    this.byPath.set(entry.path, entry);
    this.content.replace(previous, entry);
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
      const snap = snapshotOf(bytes);
      if (snap.version !== 3) this.dirty = true; // written again in the current format
      if (!this.usable(this.file, snap.destination))
        return this.setAside(new Error(`made for ${snap.destination}`), 'other-destination');
      this.snap = snap;
      if (index) return index(snap).catch(fail);
      indexSnapshot(snap, this.byPath);
    } catch (e) {
      fail(e);
    }
  }

  // Whether a file made for `madeFor` is used: it is when made for this run's destination (or
  // none is named), and one made for another is kept as hints when the run proves the cache
  // (each entry counts only where this bucket's listing proves it); otherwise it is dropped.
  private usable(file: string, madeFor: string | undefined): boolean {
    const mine = this.options.destination;
    if (madeFor === undefined || mine === undefined || madeFor === mine) return true;
    if (this.options.foreign !== 'prove') return false;
    this.dirty = true; // written again under this destination
    this.options.log?.write({ kind: 'cache.other-destination-proven', file, madeFor, destination: mine });
    return true;
  }

  private setAside(e: Error, why: AsideReason = 'unreadable'): void {
    setCacheAside(this.file, e, why, { ...this.options, destination: this.destination });
  }

  private loadJournal(): void {
    const { entries, torn, destination } = readJournal(this.journalFile);
    if (!this.usable(this.journalFile, destination)) {
      this.options.log?.write({
        kind: 'cache.other-destination',
        file: this.journalFile,
        error: `made for ${destination}`,
        destination: this.destination,
      });
      if (!this.options.readOnly) fs.rmSync(this.journalFile, { force: true });
      return;
    }
    for (const e of entries) this.index(e);
    if (entries.length || torn) this.dirty = true;
    if (torn) this.options.log?.write({ kind: 'cache.journal-torn', file: this.journalFile, lines: torn });
  }
}

const SLICE_LINES = 10_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
