// Stage 1, scan: walk the download directories and decide which files are complete.
import fs from 'node:fs';
import { systemNow, type Now } from '../clock.ts';
import type { SourceDir } from '../config/sources.ts';
import { listDirectory, placeOf, type Place } from './places.ts';
import { createStatWorker, statSyncResult, type StatMany, type StatResult } from './stat-worker.ts';

export interface ScannedFile {
  readonly source: SourceDir;
  // The path as text: what the cache, the logs and the summary name it by. The same as the path
  // on disk unless a name is not valid UTF-8 (see ./names.ts).
  readonly absPath: string;
  // The path to open: a string, or the exact bytes when the text form differs from them.
  readonly fsPath: string | Buffer;
  // Path relative to the source directory, '/'-separated, as text.
  readonly relPath: string;
  // The relative path's bytes, when its text form is not their plain reading.
  readonly rawRelPath?: Buffer;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
}

// Why a directory entry is not a candidate. The first five mean "not meant to be synced";
// `symlink-loop` (a link back to a parent, whose files are synced through the real path) and
// `vanished` (gone between listing and stat) leave nothing behind either. `unreadable` and
// `broken-link` are failures: something that may be a download could not be read.
export type ScanSkipReason = 'hidden' | 'partial' | 'excluded' | 'unstable' | 'not-regular' | 'symlink-loop' | 'vanished' | 'unreadable' | 'broken-link';

export const FAILED_SKIPS: ReadonlySet<ScanSkipReason> = new Set(['unreadable', 'broken-link']);

export interface ScanSkip {
  readonly path: string;
  readonly reason: ScanSkipReason;
  readonly detail?: string;
  // For `unstable`: when the file will have been still for long enough (ms since the epoch).
  readonly readyAt?: number;
}

export interface ScanResult {
  readonly files: ScannedFile[];
  readonly skipped: ScanSkip[];
}

export interface ScanOptions {
  readonly partialSuffixes: readonly string[];
  readonly exclude: readonly string[];
  readonly stableAfterMs: number;
  readonly now?: Now;
  // Called for every directory the walk lists (watch mode watches each one).
  readonly onDir?: (dir: WalkedDir) => void;
  // How a directory's entries are stat'ed (by default large directories on a worker thread).
  readonly statMany?: StatMany;
}

// Compile a glob (* within a segment, ** across segments, ?) to a RegExp over '/'-separated paths.
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

// A pattern without '/' matches a name at any depth (as in .gitignore); with '/', the whole relative path.
export function createExcludeMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  const compiled = patterns.map((p) => ({ re: globToRegExp(p.replace(/^\/+/, '')), anyDepth: !p.includes('/') }));
  return (relPath) => {
    const base = relPath.slice(relPath.lastIndexOf('/') + 1);
    return compiled.some(({ re, anyDepth }) => re.test(relPath) || (anyDepth && re.test(base)));
  };
}

export function isPartialName(name: string, suffixes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return suffixes.some((s) => lower.endsWith(s));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

// A directory the walk went into: where it is, and the directories above it (by dev:ino), to
// refuse links that loop.
export interface WalkedDir {
  readonly source: SourceDir;
  readonly place: Place;
  readonly ancestors: Set<string>;
}

// Walk every source directory (following symlinks, refusing loops) and split files into
// complete candidates and skips with a reason. Nothing here is fatal to the run.
export async function scanDownloads(sources: readonly SourceDir[], options: ScanOptions): Promise<ScanResult> {
  const worker = options.statMany ? undefined : createStatWorker();
  const walker = new Walker(options, options.statMany ?? worker!.statMany);
  try {
    for (const source of sources) {
      let st: fs.Stats;
      try {
        st = await fs.promises.stat(source.path);
      } catch (e) {
        walker.skip(source.path, 'unreadable', (e as NodeJS.ErrnoException).code);
        continue;
      }
      await walker.walk(walker.list({ source, place: { fs: source.path, text: source.path, rel: '', rawRel: undefined }, ancestors: new Set([`${st.dev}:${st.ino}`]) }));
    }
  } finally {
    void worker?.close();
  }
  return walker.result();
}

// Some entries of directories already walked, by name (watch mode: the names its events gave):
// each judged by the same rules as in a full scan; a directory among them is walked whole.
export async function scanNames(requests: ReadonlyArray<{ readonly dir: WalkedDir; readonly name: Buffer }>, options: ScanOptions): Promise<ScanResult> {
  const walker = new Walker(options, options.statMany ?? (async (paths) => paths.map(statSyncResult)));
  const subdirs: WalkedDir[] = [];
  const scanTime = walker.time();
  for (const { dir, name } of requests) {
    const place = placeOf(dir.place, name);
    if (walker.wanted(place)) walker.judge(dir, place, () => isLink(place.fs), statSyncResult(place.fs), scanTime, subdirs);
  }
  for (const d of subdirs) await walker.walk(walker.list(d));
  return walker.result();
}

function isLink(p: string | Buffer): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

// A listed directory: the entries that may be candidates and their stats (under way), or why it
// could not be listed.
interface Listing {
  readonly dir: WalkedDir;
  readonly error?: string;
  readonly wanted?: ReadonlyArray<{ readonly place: Place; readonly isSymlink: () => boolean }>;
  readonly stats?: Promise<StatResult[]>;
}

class Walker {
  readonly files: ScannedFile[] = [];
  readonly skipped: ScanSkip[] = [];
  private readonly now: Now;
  private readonly isExcluded: (relPath: string) => boolean;

  constructor(private readonly options: ScanOptions, private readonly statMany: StatMany) {
    this.now = options.now ?? systemNow;
    this.isExcluded = createExcludeMatcher(options.exclude);
  }

  time(): number {
    return this.now().getTime();
  }

  result(): ScanResult {
    this.files.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
    return { files: this.files, skipped: this.skipped };
  }

  skip(p: string, reason: ScanSkipReason, detail?: string, readyAt?: number): void {
    this.skipped.push({ path: p, reason, ...(detail ? { detail } : {}), ...(readyAt !== undefined ? { readyAt } : {}) });
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
    const wanted: Array<{ readonly place: Place; readonly isSymlink: () => boolean }> = [];
    for (const { place, entry } of entries) if (this.wanted(place)) wanted.push({ place, isSymlink: () => entry.isSymbolicLink() });
    const stats = this.statMany(wanted.map((w) => w.place.fs));
    stats.catch(() => undefined); // awaited in walk
    return { dir, wanted, stats };
  }

  // One directory, then its subdirectories in name order, each listed (and its stats asked
  // for) before the first is walked; yielding to the event loop between directories.
  async walk(listing: Listing): Promise<void> {
    if (listing.error !== undefined) return this.skip(listing.dir.place.text, listing.error === 'ENOENT' ? 'vanished' : 'unreadable', listing.error);
    const stats = await listing.stats!;
    const scanTime = this.time();
    const subdirs: WalkedDir[] = [];
    listing.wanted!.forEach((w, i) => this.judge(listing.dir, w.place, w.isSymlink, stats[i]!, scanTime, subdirs));
    subdirs.sort((a, b) => (a.place.text < b.place.text ? -1 : 1));
    const next = subdirs.map((d) => this.list(d));
    for (const l of next) {
      await nextTurn();
      await this.walk(l);
    }
  }

  // Hidden and excluded entries are skipped by name, before any stat.
  wanted(at: Place): boolean {
    const name = at.rel.slice(at.rel.lastIndexOf('/') + 1);
    if (name.startsWith('.')) return void this.skip(at.text, 'hidden'), false;
    if (this.isExcluded(at.rel)) return void this.skip(at.text, 'excluded'), false;
    return true;
  }

  judge(parent: WalkedDir, at: Place, isSymlink: () => boolean, st: StatResult, scanTime: number, subdirs: WalkedDir[]): void {
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
      return this.skip(at.text, 'unstable', `changed ${Math.max(0, Math.round(changedAgoMs / 1000))}s ago`, st.ctimeMs + this.options.stableAfterMs);
    }
    this.files.push({
      source: parent.source, absPath: at.text, fsPath: at.fs, relPath: at.rel, rawRelPath: at.rawRel,
      size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev,
    });
  }

  // A link whose target is gone or loops is broken; a plain entry that is gone has vanished.
  private statFailed(at: Place, isSymlink: () => boolean, code: string): void {
    if ((code === 'ENOENT' || code === 'ELOOP') && isSymlink()) {
      return this.skip(at.text, 'broken-link', `${code}: the link's target ${code === 'ENOENT' ? 'does not exist' : 'loops'}; remove the link or add it to SYNC_EXCLUDE`);
    }
    this.skip(at.text, code === 'ENOENT' ? 'vanished' : 'unreadable', code);
  }
}
