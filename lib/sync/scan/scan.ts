// Stage 1, scan: walk the download directories and decide which files are complete.
import fs from 'node:fs';
import type { Now } from '../../clock.ts';
import type { Config } from '../../config/types.ts';
import type { SourceDir } from '../../config/sources.ts';
import type { Logger } from '../../log/logger.ts';
import { placeOf } from './places.ts';
import { createStatWorker, statSyncResult } from './stat-worker.ts';
import type { ScanOptions, ScanResult, ScanSkipReason, SettledCheck, WalkedDir } from './types.ts';
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

export interface ScanStageInput {
  readonly config: Pick<Config, 'sources' | 'partialSuffixes' | 'exclude' | 'stableAfterMs'>;
  readonly now: Now;
  readonly log: Logger;
  // The "unchanged" rule (../plan/unchanged.ts), once the cache it reads is loaded: the one place
  // it is applied is here, as the scan meets each file.
  readonly settled: Promise<SettledCheck | undefined>;
  // Watch mode scans only what it heard (by default the whole tree).
  readonly scan?: (options: ScanOptions) => Promise<ScanResult>;
}

// What makes a file complete and wanted, as configured: the same for a run, a watch and --check.
export function scanRulesOf(
  config: Pick<Config, 'partialSuffixes' | 'exclude' | 'stableAfterMs'>,
): Pick<ScanOptions, 'partialSuffixes' | 'exclude' | 'stableAfterMs'> {
  return { partialSuffixes: config.partialSuffixes, exclude: config.exclude, stableAfterMs: config.stableAfterMs };
}

// Stage 1 as a run calls it: the scan, and every skip and the count logged.
export async function scanStage(input: ScanStageInput): Promise<ScanResult> {
  const { config, log } = input;
  const options: ScanOptions = { ...scanRulesOf(config), now: input.now, settled: input.settled };
  const scan = await (input.scan ?? ((o) => scanDownloads(config.sources, o)))(options);
  for (const s of scan.skipped) {
    log.write({ kind: `scan.${s.reason}`, path: s.path, ...(s.detail ? { detail: s.detail } : {}) });
  }
  const complete = scan.files.length + (scan.settled ?? 0);
  log.write({ kind: 'scan.done', complete, skipped: scan.skipped.length });
  return scan;
}
