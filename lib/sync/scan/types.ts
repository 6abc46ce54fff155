// The scan stage's vocabulary: a complete file as the later stages see it, a skip and its
// reason, and what a scan is given and returns.
import type { Now } from '../../clock.ts';
import type { SourceDir } from '../../config/sources.ts';
import type { ScanSkipReason } from '../../log/file-kinds.ts';
import type { Place } from './places.ts';
import type { StatMany } from './stat-worker.ts';

export type { ScanSkipReason } from '../../log/file-kinds.ts';

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
  // How many complete files the `settled` check took out (unchanged: counted, not kept).
  readonly settled?: number;
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
