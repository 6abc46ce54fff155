// Stage 1, scan: walk the download directories and decide which files are complete.
import fs from 'node:fs';
import path from 'node:path';
import type { SourceDir } from './config.ts';

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
  readonly now?: () => number;
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
  const now = options.now ?? Date.now;
  const isExcluded = createExcludeMatcher(options.exclude);
  const files: ScannedFile[] = [];
  const skipped: ScanSkip[] = [];
  const skip = (p: string, reason: ScanSkipReason, detail?: string) => skipped.push({ path: p, reason, ...(detail ? { detail } : {}) });

  const walk = async (source: SourceDir, dir: string, rel: string, ancestors: Set<string>): Promise<void> => {
    let names: string[];
    try {
      names = (await fs.promises.readdir(dir)).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      skip(dir, code === 'ENOENT' ? 'vanished' : 'unreadable', code);
      return;
    }
    const scanTime = now();
    const subdirs: Array<[string, string, Set<string>]> = [];
    await Promise.all(
      names.map(async (name) => {
        const abs = path.join(dir, name);
        const relPath = rel ? `${rel}/${name}` : name;
        if (name.startsWith('.')) return skip(abs, 'hidden');
        if (isExcluded(relPath)) return skip(abs, 'excluded');
        let st: fs.Stats;
        try {
          st = await fs.promises.stat(abs);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ELOOP') return skip(abs, 'symlink-loop', code);
          return skip(abs, code === 'ENOENT' ? 'vanished' : 'unreadable', code);
        }
        if (st.isDirectory()) {
          const id = `${st.dev}:${st.ino}`;
          if (ancestors.has(id)) return skip(abs, 'symlink-loop', 'links back to a parent directory');
          subdirs.push([abs, relPath, new Set(ancestors).add(id)]);
          return;
        }
        if (!st.isFile()) return skip(abs, 'not-regular');
        if (isPartialName(name, options.partialSuffixes)) return skip(abs, 'partial');
        // ctime, not mtime: tdl sets mtime to the message date, but any write or rename moves ctime.
        const changedAgoMs = scanTime - st.ctimeMs;
        if (options.stableAfterMs > 0 && changedAgoMs < options.stableAfterMs) {
          return skip(abs, 'unstable', `changed ${Math.max(0, Math.round(changedAgoMs / 1000))}s ago`);
        }
        try {
          await fs.promises.access(abs, fs.constants.R_OK);
        } catch (e) {
          return skip(abs, 'unreadable', (e as NodeJS.ErrnoException).code);
        }
        files.push({ source, absPath: abs, relPath, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev });
      }),
    );
    subdirs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [abs, relPath, anc] of subdirs) await walk(source, abs, relPath, anc);
  };

  for (const source of sources) {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(source.path);
    } catch (e) {
      skip(source.path, 'unreadable', (e as NodeJS.ErrnoException).code);
      continue;
    }
    await walk(source, source.path, '', new Set([`${st.dev}:${st.ino}`]));
  }
  files.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  return { files, skipped };
}
