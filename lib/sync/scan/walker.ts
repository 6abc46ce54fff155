// The walk under the scan: each directory listed (entries skipped by name before any stat),
// its entries' stats asked for (on the stat workers), then judged one by one into complete
// files, settled files and skips; subdirectories in name order, listed ahead of the walk.
import fs from 'node:fs';
import { systemNow, type Now } from '../../clock.ts';
import { createExcludeMatcher, isPartialName } from './filters.ts';
import { Lookahead } from './lookahead.ts';
import { listDirectory, type Place } from './places.ts';
import type {
  ScannedFile,
  ScanOptions,
  ScanResult,
  ScanSkip,
  ScanSkipReason,
  SettledCheck,
  WalkedDir,
} from './types.ts';
import type { StatMany, StatResult } from './stat-worker.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

// A listed directory: the entries that may be candidates and their stats (under way), or why it
// could not be listed.
interface Listing {
  readonly dir: WalkedDir;
  readonly error?: string;
  readonly wanted?: readonly WantedEntry[];
  // Entries skipped by name (hidden, excluded).
  readonly skips?: readonly ScanSkip[];
  readonly stats?: Promise<StatResult[]>;
}

// What the directory listing said of an entry (a link is not a directory here).
interface WantedEntry {
  readonly place: Place;
  readonly link: boolean;
  readonly directory: boolean;
}

export class Walker {
  readonly files: ScannedFile[] = [];
  readonly skipped: ScanSkip[] = [];
  private settled = 0;
  private isSettled: SettledCheck | undefined;
  private readonly now: Now;
  private readonly isExcluded: (relPath: string) => boolean;
  private ahead: Lookahead<Listing> | undefined;

  constructor(
    private readonly options: ScanOptions,
    private readonly statMany: StatMany,
  ) {
    this.now = options.now ?? systemNow;
    this.isExcluded = createExcludeMatcher(options.exclude);
  }

  // A whole source: its directories listed ahead of the walk, unless each listed directory is
  // reported (watch mode watches each one as it is listed, so it lists them in the walk's turn).
  async walkFrom(root: WalkedDir): Promise<void> {
    const listing = this.list(root);
    this.ahead = this.options.onDir
      ? undefined
      : new Lookahead((place) => this.list({ source: root.source, place, ancestors: new Set() }));
    this.ahead?.from(listing);
    await this.walk(listing);
  }

  time(): number {
    return this.now().getTime();
  }

  // The settled check, once the cache it asks is read (nothing is judged before).
  async awaitSettledCheck(): Promise<void> {
    if (this.options.settled && !this.isSettled) this.isSettled = (await this.options.settled) ?? (() => false);
  }

  result(): ScanResult {
    this.files.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
    return { files: this.files, skipped: this.skipped, settled: this.settled };
  }

  skip(p: string, reason: ScanSkipReason, detail?: string, readyAt?: number): void {
    this.skipped.push({
      path: p,
      reason,
      ...(detail ? { detail } : {}),
      ...(readyAt !== undefined ? { readyAt } : {}),
    });
  }

  // A directory's entries, with the stats of those that may be candidates under way (on the
  // worker: they are asked for before they are needed, so they overlap with other work).
  list(dir: WalkedDir): Listing {
    let entries: Array<{ readonly place: Place; readonly entry: fs.Dirent<string | Buffer> }>;
    try {
      entries = listDirectory(dir.place);
    } catch (e) {
      return { dir, error: (e as NodeJS.ErrnoException).code ?? 'EIO' };
    }
    this.options.onDir?.(dir);
    const wanted: WantedEntry[] = [];
    const skips: ScanSkip[] = [];
    for (const { place, entry } of entries)
      if (this.wanted(place, skips))
        wanted.push({ place, link: entry.isSymbolicLink(), directory: entry.isDirectory() });
    const stats = this.statMany(wanted.map((w) => w.place.fs));
    stats.catch(() => undefined); // awaited in walk
    return { dir, wanted, skips, stats };
  }

  // One directory, then its subdirectories in name order, each listed (and its stats asked
  // for) before the first is walked; yielding to the event loop between directories.
  async walk(listing: Listing): Promise<void> {
    if (listing.error !== undefined)
      return this.skip(listing.dir.place.text, listing.error === 'ENOENT' ? 'vanished' : 'unreadable', listing.error);
    for (const s of listing.skips!) this.skipped.push(s); // only now: a listing made ahead may not be walked
    const stats = await listing.stats!;
    await this.awaitSettledCheck();
    const scanTime = this.time();
    const subdirs: WalkedDir[] = [];
    listing.wanted!.forEach((w, i) => this.judge(listing.dir, w.place, () => w.link, stats[i]!, scanTime, subdirs));
    subdirs.sort((a, b) => (a.place.text < b.place.text ? -1 : 1));
    const next = subdirs.map((d) => this.listedAhead(d) ?? this.list(d));
    for (const l of next) {
      await nextTurn();
      await this.walk(l);
    }
  }

  // The listing made ahead for this directory, now that its place above is known (its ancestors).
  private listedAhead(d: WalkedDir): Listing | undefined {
    const l = this.ahead?.take(d.place.text);
    return l && { ...l, dir: d };
  }

  // Hidden and excluded entries are skipped by name, before any stat.
  wanted(at: Place, skips: ScanSkip[] = this.skipped): boolean {
    const name = at.rel.slice(at.rel.lastIndexOf('/') + 1);
    if (name.startsWith('.')) return (void skips.push({ path: at.text, reason: 'hidden' }), false);
    if (this.isExcluded(at.rel)) return (void skips.push({ path: at.text, reason: 'excluded' }), false);
    return true;
  }

  judge(
    parent: WalkedDir,
    at: Place,
    isSymlink: () => boolean,
    st: StatResult,
    scanTime: number,
    subdirs: WalkedDir[],
  ): void {
    if ('code' in st) return this.statFailed(at, isSymlink, st.code);
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      if (parent.ancestors.has(id)) return this.skip(at.text, 'symlink-loop', 'links back to a parent directory');
      subdirs.push({ source: parent.source, place: at, ancestors: new Set(parent.ancestors).add(id) });
      return;
    }
    if (!st.isFile()) return this.skip(at.text, 'not-regular');
    const name = at.rel.slice(at.rel.lastIndexOf('/') + 1);
    if (isPartialName(name, this.options.partialSuffixes)) return this.skip(at.text, 'partial');
    // ctime, not mtime: tdl sets mtime to the message date, but any write or rename moves ctime.
    const changedAgoMs = scanTime - st.ctimeMs;
    if (this.options.stableAfterMs > 0 && changedAgoMs < this.options.stableAfterMs) {
      return this.skip(
        at.text,
        'unstable',
        `changed ${Math.max(0, Math.round(changedAgoMs / 1000))}s ago`,
        st.ctimeMs + this.options.stableAfterMs,
      );
    }
    const file: ScannedFile = {
      source: parent.source,
      absPath: at.text,
      fsPath: at.fs,
      relPath: at.rel,
      rawRelPath: at.rawRel,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      ino: st.ino,
      dev: st.dev,
    };
    if (this.isSettled?.(file)) this.settled++;
    else this.files.push(file);
  }

  // A link whose target is gone or loops is broken; a plain entry that is gone has vanished.
  private statFailed(at: Place, isSymlink: () => boolean, code: string): void {
    if ((code === 'ENOENT' || code === 'ELOOP') && isSymlink()) {
      return this.skip(
        at.text,
        'broken-link',
        `${code}: the link's target ${code === 'ENOENT' ? 'does not exist' : 'loops'}; ` +
          'remove the link or add it to SYNC_EXCLUDE',
      );
    }
    this.skip(at.text, code === 'ENOENT' ? 'vanished' : 'unreadable', code);
  }
}
