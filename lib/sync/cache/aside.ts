// A cache that cannot be read is moved aside whole (<cache>.unreadable-<ms>), never deleted: the
// bucket rebuilds what it knew, and the newest few are kept for a post-mortem.
import fs from 'node:fs';
import path from 'node:path';

export const CACHES_ASIDE_KEPT = 3;

// Move `file` aside; returns where it went. Only the newest CACHES_ASIDE_KEPT are kept.
export function moveCacheAside(file: string, now = Date.now()): string {
  const aside = `${file}.unreadable-${now}`;
  fs.renameSync(file, aside);
  pruneCachesAside(file);
  return aside;
}

// Damaged caches moved aside: keep the newest `keep`; returns the names removed.
export function pruneCachesAside(cacheFile: string, keep = CACHES_ASIDE_KEPT): string[] {
  const dir = path.dirname(cacheFile);
  const prefix = `${path.basename(cacheFile)}.unreadable-`;
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
