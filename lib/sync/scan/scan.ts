// Stage 1, scan: walk the download directories and decide which files are complete.
import fs from 'node:fs';
import type { SourceDir } from '../../config/sources.ts';
import { placeOf } from './places.ts';
import { createStatWorker, statSyncResult } from './stat-worker.ts';
import type { ScanResult, WalkedDir, ScanOptions, ScanSkipReason } from './types.ts';
import { Walker } from './walker.ts';

// Skips that fail the run (something that may be a download could not be read); the other
// reasons mean "not meant to be synced" or leave nothing behind (see ScanSkipReason).
export const FAILED_SKIPS: ReadonlySet<ScanSkipReason> = new Set(['unreadable', 'broken-link']);

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
      await walker.walkFrom({
        source,
        place: { fs: source.path, text: source.path, rel: '', rawRel: undefined },
        ancestors: new Set([`${st.dev}:${st.ino}`]),
      });
    }
  } finally {
    void worker?.close();
  }
  return walker.result();
}

// Some entries of directories already walked, by name (watch mode: the names its events gave):
// each judged by the same rules as in a full scan; a directory among them is walked whole.
export async function scanNames(
  requests: ReadonlyArray<{ readonly dir: WalkedDir; readonly name: Buffer }>,
  options: ScanOptions,
): Promise<ScanResult> {
  const walker = new Walker(options, options.statMany ?? (async (paths) => paths.map(statSyncResult)));
  const subdirs: WalkedDir[] = [];
  await walker.awaitSettledCheck();
  const scanTime = walker.time();
  for (const { dir, name } of requests) {
    const place = placeOf(dir.place, name);
    if (walker.wanted(place))
      walker.judge(dir, place, () => isLink(place.fs), statSyncResult(place.fs), scanTime, subdirs);
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
