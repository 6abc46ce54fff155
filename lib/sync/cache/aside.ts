// A cache that cannot be read is moved aside whole (<cache>.unreadable-<ms>), never deleted: the
// bucket rebuilds what it knew, and the newest few are kept for a post-mortem.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../log/logger.ts';

export const CACHES_ASIDE_KEPT = 3;

export type AsideReason = 'unreadable' | 'other-destination';

// Move `file` aside (<file>.<reason>-<ms>); returns where it went. Only the newest
// CACHES_ASIDE_KEPT of each reason are kept.
export function moveCacheAside(file: string, now = Date.now(), reason: AsideReason = 'unreadable'): string {
  const aside = `${file}.${reason}-${now}`;
  fs.renameSync(file, aside);
  pruneCachesAside(file, CACHES_ASIDE_KEPT, reason);
  return aside;
}

// A damaged cache, or one made for another destination, named in the log and (unless read-only:
// a dry run or --check) moved aside.
export function setCacheAside(
  file: string,
  error: Error,
  why: AsideReason,
  context: { readonly log?: Logger; readonly readOnly?: boolean; readonly destination: string },
): void {
  const { log, readOnly, destination } = context;
  const kind = why === 'other-destination' ? 'cache.other-destination' : 'cache.unreadable';
  const base = { file, error: error.message, destination };
  if (readOnly) return void log?.write({ kind, ...base });
  const aside = moveCacheAside(file, Date.now(), why); // before the log: `log?.` would skip it
  log?.write({ kind, ...base, aside });
}

// Caches moved aside for `reason`: keep the newest `keep`; returns the names removed.
export function pruneCachesAside(
  cacheFile: string,
  keep = CACHES_ASIDE_KEPT,
  reason: AsideReason = 'unreadable',
): string[] {
  const dir = path.dirname(cacheFile);
  const prefix = `${path.basename(cacheFile)}.${reason}-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  const byAge = names.sort((a, b) => Number(b.slice(prefix.length)) - Number(a.slice(prefix.length)));
  const gone = byAge.slice(keep);
  for (const n of gone) fs.rmSync(path.join(dir, n), { force: true });
  return gone;
}
