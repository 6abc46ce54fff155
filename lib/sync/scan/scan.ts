// Stage 1, scan: walk the download directories and decide which files are complete.
import fs from 'node:fs';
import type { Now } from '../../clock.ts';
import type { SourceDir } from '../../config/sources.ts';
import { placeOf, type Place } from './places.ts';
import { createStatWorker, statSyncResult, type StatMany } from './stat-worker.ts';
import { Walker } from './walker.ts';

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
  // Complete files the `settled` check took out (the plan would skip them unchanged), by path.
  readonly settled?: ReadonlySet<string>;
}

// Whether the plan would skip this file unchanged (from its stat and the cache alone).
export type SettledCheck = (file: ScannedFile) => boolean;

export interface ScanOptions {
  readonly partialSuffixes: readonly string[];
  readonly exclude: readonly string[];
  readonly stableAfterMs: number;
  readonly now?: Now;
  // Called for every directory the walk lists (watch mode watches each one).
  readonly onDir?: (dir: WalkedDir) => void;
  // How a directory's entries are stat'ed (by default large directories on a worker thread).
  readonly statMany?: StatMany;
  // Files this says are settled are counted, not kept: a run that finds 100,000 files unchanged
  // holds no file, plan item or key for them. Awaited before the first file is judged (the
  // cache it asks is read while the first directories are listed).
  readonly settled?: Promise<SettledCheck | undefined>;
}

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
      await walker.walkFrom({ source, place: { fs: source.path, text: source.path, rel: '', rawRel: undefined }, ancestors: new Set([`${st.dev}:${st.ino}`]) });
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
  await walker.awaitSettledCheck();
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
