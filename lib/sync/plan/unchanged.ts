// The "unchanged" rule, in one place: a file not touched since it was recorded, under the key it
// maps to now, is settled without being read. The scan applies it as it meets each file (so a
// no-op run holds no file, plan item or key for it); no later stage asks it again.
import type { CachedStat, CacheView } from '../cache/types.ts';
import type { ScannedFile, SettledCheck } from '../scan/types.ts';
import { objectKeyFor } from './keys.ts';
import { TRUST_THE_CACHE, type BucketProof } from '../bucket/proof.ts';

type Stat = Pick<ScannedFile, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>;

// Same size, mtime, ctime and inode: the file was not touched since it was recorded.
export function isSameStat(a: Stat, b: Stat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

// The entry still covers the file's object: recorded under the key the file maps to now (a
// dedup entry points at another file's object, whatever the key).
export function coversKey(entry: Pick<CachedStat, 'key' | 'via'>, key: string): boolean {
  return entry.key === key || entry.via === 'dedup';
}

// Not touched since it was recorded, and recorded under the key it maps to now.
export function isUnchanged(entry: CachedStat, file: Stat, key: string): boolean {
  return isSameStat(entry, file) && coversKey(entry, key);
}

// The check the scan applies, from the file's stat and the cached stat alone (no entry is parsed
// whole for 100,000 unchanged files): unchanged, and its object proven by the bucket's listing
// (../bucket/proof.ts; an entry the bucket does not prove is looked at afresh). --force settles
// nothing.
export function unchangedCheck(
  cache: Pick<CacheView, 'statOf'>,
  options: { readonly prefix: string; readonly force: boolean; readonly proof?: BucketProof },
): SettledCheck | undefined {
  if (options.force) return undefined;
  const proof = options.proof ?? TRUST_THE_CACHE;
  return (file) => {
    const cached = cache.statOf(file.absPath);
    if (!cached) return false;
    const k = objectKeyFor(options.prefix, file.source, file.relPath);
    return k.ok && isUnchanged(cached, file, k.key) && proof(cached).kind === 'proven';
  };
}
