// Stage 2, plan: a pure function of the scan and the hash cache. Maps each file to its key,
// settles key conflicts among this run's files, and asks decideFile what it can decide from
// `stat` alone (unchanged files are skipped without being read). The same question, asked by
// the scan as it meets each file (settledCheck), keeps unchanged files out of the plan at all.
import type { CacheEntry, CacheView } from '../cache/cache.ts';
import { decideFile, isUnchanged } from './decide.ts';
import { objectKeyFor } from './keys.ts';
import type { ScannedFile, SettledCheck } from '../scan/scan.ts';

export type PlanItem =
  | { readonly action: 'skip'; readonly file: ScannedFile; readonly key: string; readonly reason: 'unchanged' }
  | { readonly action: 'transfer'; readonly file: ScannedFile; readonly key: string; readonly cached?: CacheEntry }
  | { readonly action: 'conflict'; readonly file: ScannedFile; readonly key: string; readonly with: readonly string[]; readonly heldBy?: string }
  | { readonly action: 'invalid'; readonly file: ScannedFile; readonly problem: string };

export type TransferItem = Extract<PlanItem, { action: 'transfer' }>;

export interface PlanOptions {
  readonly prefix: string;
  readonly force: boolean;
  // Paths of the files the scan found unchanged (left out of `files`): one of them may own a
  // key that a file of the plan maps to.
  readonly settled?: ReadonlySet<string>;
}

// For the scan: whether decideFile skips the file unchanged (its first rule), from the file's
// stat and the cached stat alone: no entry is parsed whole for 100,000 unchanged files.
export function settledCheck(cache: Pick<CacheView, 'statOf'>, options: PlanOptions): SettledCheck | undefined {
  if (options.force) return undefined;
  return (file) => {
    const cached = cache.statOf(file.absPath);
    if (!cached) return false;
    const k = objectKeyFor(options.prefix, file.source, file.relPath);
    return k.ok && isUnchanged(cached, file, k.key);
  };
}

export function planUploads(files: readonly ScannedFile[], cache: CacheView, options: PlanOptions): PlanItem[] {
  const items: PlanItem[] = [];
  // key → its file, or every file mapping to it when there are several (rare: a conflict)
  const byKey = new Map<string, ScannedFile | ScannedFile[]>();
  for (const file of files) {
    const k = objectKeyFor(options.prefix, file.source, file.relPath);
    if (!k.ok) {
      items.push({ action: 'invalid', file, problem: k.problem });
      continue;
    }
    const seen = byKey.get(k.key);
    byKey.set(k.key, seen === undefined ? file : Array.isArray(seen) ? [...seen, file] : [seen, file]);
  }
  for (const [key, one] of byKey) {
    const group = Array.isArray(one) ? one : [one];
    const holder = keyHolder(group, key, cache, options.settled);
    for (const file of group) {
      if (file.absPath === holder || (holder === undefined && group.length === 1)) items.push(planFile(file, key, cache, options.force));
      else items.push({ action: 'conflict', file, key, with: [...group.filter((f) => f !== file).map((f) => f.absPath), ...(holder && !group.some((f) => f.absPath === holder) ? [holder] : [])], ...(holder ? { heldBy: holder } : {}) });
    }
  }
  return items;
}

// The one file under its key: skipped when decideFile can tell from stat alone, else sent on.
function planFile(file: ScannedFile, key: string, cache: CacheView, force: boolean): PlanItem {
  const cached = cache.get(file.absPath);
  const decision = decideFile({ file, key, force, cached });
  if (decision.action === 'skip') return { action: 'skip', file, key, reason: decision.reason };
  return cached ? { action: 'transfer', file, key, cached } : { action: 'transfer', file, key };
}

// Several local files mapping to one key, or one and a file the scan found unchanged that owns
// it: only the file the cache knows as the key's owner may keep it (its path is returned); the
// others are conflicts, so nothing silently overwrites anything.
function keyHolder(group: readonly ScannedFile[], key: string, cache: CacheView, settled: ReadonlySet<string> | undefined): string | undefined {
  // A lone file: only another file still here, found unchanged, can hold its key.
  if (group.length === 1 && (!settled?.size || cache.get(group[0]!.absPath)?.key === key)) return undefined;
  const owner = cache.ownerOfKey(key);
  if (!owner) return undefined;
  return group.some((f) => f.absPath === owner.path) || settled?.has(owner.path) ? owner.path : undefined;
}
