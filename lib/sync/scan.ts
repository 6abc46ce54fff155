// Stage 1, scan: walk the download directories and decide which files are complete.
import fs from 'node:fs';
import path from 'node:path';
import { systemNow, type Now } from '../clock.ts';
import type { SourceDir } from '../config/sources.ts';

export interface ScannedFile {
  readonly source: SourceDir;
  readonly absPath: string;
  // Path relative to the source directory, '/'-separated, exactly as on disk.
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
}

export type ScanSkipReason = 'hidden' | 'partial' | 'excluded' | 'unstable' | 'not-regular' | 'symlink-loop' | 'unreadable' | 'vanished';

export interface ScanSkip {
  readonly path: string;
  readonly reason: ScanSkipReason;
  readonly detail?: string;
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

// Walk every source directory (following symlinks, refusing loops) and split files into
// complete candidates and skips with a reason. Nothing here is fatal to the run.
export async function scanDownloads(sources: readonly SourceDir[], options: ScanOptions): Promise<ScanResult> {
  const walker = new Walker(options);
  for (const source of sources) {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(source.path);
    } catch (e) {
      walker.skip(source.path, 'unreadable', (e as NodeJS.ErrnoException).code);
      continue;
    }
    await walker.walk(source, source.path, '', new Set([`${st.dev}:${st.ino}`]));
  }
  walker.files.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  return { files: walker.files, skipped: walker.skipped };
}

type Subdir = { readonly abs: string; readonly relPath: string; readonly ancestors: Set<string> };

class Walker {
  readonly files: ScannedFile[] = [];
  readonly skipped: ScanSkip[] = [];
  private readonly now: Now;
  private readonly isExcluded: (relPath: string) => boolean;

  constructor(private readonly options: ScanOptions) {
    this.now = options.now ?? systemNow;
    this.isExcluded = createExcludeMatcher(options.exclude);
  }

  skip(p: string, reason: ScanSkipReason, detail?: string): void {
    this.skipped.push({ path: p, reason, ...(detail ? { detail } : {}) });
  }

  // One directory: its entries in parallel, then its subdirectories in name order.
  async walk(source: SourceDir, dir: string, rel: string, ancestors: Set<string>): Promise<void> {
    let names: string[];
    try {
      names = (await fs.promises.readdir(dir)).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return this.skip(dir, code === 'ENOENT' ? 'vanished' : 'unreadable', code);
    }
    const scanTime = this.now().getTime();
    const subdirs: Subdir[] = [];
    await Promise.all(names.map((name) => this.visit(source, dir, rel, name, ancestors, scanTime, subdirs)));
    subdirs.sort((a, b) => (a.abs < b.abs ? -1 : 1));
    for (const d of subdirs) await this.walk(source, d.abs, d.relPath, d.ancestors);
  }

  private async visit(source: SourceDir, dir: string, rel: string, name: string, ancestors: Set<string>, scanTime: number, subdirs: Subdir[]): Promise<void> {
    const abs = path.join(dir, name);
    const relPath = rel ? `${rel}/${name}` : name;
    if (name.startsWith('.')) return this.skip(abs, 'hidden');
    if (this.isExcluded(relPath)) return this.skip(abs, 'excluded');
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return this.skip(abs, code === 'ELOOP' ? 'symlink-loop' : code === 'ENOENT' ? 'vanished' : 'unreadable', code);
    }
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      if (ancestors.has(id)) return this.skip(abs, 'symlink-loop', 'links back to a parent directory');
      subdirs.push({ abs, relPath, ancestors: new Set(ancestors).add(id) });
      return;
    }
    if (!st.isFile()) return this.skip(abs, 'not-regular');
    if (isPartialName(name, this.options.partialSuffixes)) return this.skip(abs, 'partial');
    // ctime, not mtime: tdl sets mtime to the message date, but any write or rename moves ctime.
    const changedAgoMs = scanTime - st.ctimeMs;
    if (this.options.stableAfterMs > 0 && changedAgoMs < this.options.stableAfterMs) {
      return this.skip(abs, 'unstable', `changed ${Math.max(0, Math.round(changedAgoMs / 1000))}s ago`);
    }
    try {
      await fs.promises.access(abs, fs.constants.R_OK);
    } catch (e) {
      return this.skip(abs, 'unreadable', (e as NodeJS.ErrnoException).code);
    }
    this.files.push({ source, absPath: abs, relPath, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev });
  }
}
