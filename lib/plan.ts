// Stage 2, plan: a pure function of the scan and the hash cache. Decides per file what the
// transfer stage must do, and why; decides key conflicts among this run's files.
import type { CacheEntry, CacheView } from './cache.ts';
import { coversKey, isSameStat } from './cache.ts';
import { objectKeyFor } from './keys.ts';
import type { ScannedFile } from './scan.ts';

export type PlanItem =
  | { readonly action: 'skip'; readonly file: ScannedFile; readonly key: string; readonly reason: 'unchanged'; readonly entry: CacheEntry }
  | { readonly action: 'transfer'; readonly file: ScannedFile; readonly key: string; readonly cached?: CacheEntry }
  | { readonly action: 'conflict'; readonly file: ScannedFile; readonly key: string; readonly with: readonly string[] }
  | { readonly action: 'invalid'; readonly file: ScannedFile; readonly problem: string };

export interface PlanOptions {
  readonly prefix: string;
  readonly force: boolean;
}

export function planUploads(files: readonly ScannedFile[], cache: CacheView, options: PlanOptions): PlanItem[] {
  const items: PlanItem[] = [];
  const byKey = new Map<string, ScannedFile[]>();
  for (const file of files) {
    const k = objectKeyFor(options.prefix, file.source, file.relPath);
    if (!k.ok) {
      items.push({ action: 'invalid', file, problem: k.problem });
      continue;
    }
    const group = byKey.get(k.key) ?? [];
    group.push(file);
    byKey.set(k.key, group);
  }
  for (const [key, group] of byKey) {
    // Several local files map to one key: only a file the cache already knows as the key's
    // owner may keep it; the others are conflicts, so nothing silently overwrites anything.
    let allowed: ScannedFile | undefined = group.length === 1 ? group[0] : undefined;
    if (group.length > 1) {
      const owner = cache.ownerOfKey(key);
      allowed = owner ? group.find((f) => f.absPath === owner.path) : undefined;
    }
    for (const file of group) {
      if (file !== allowed) {
        items.push({ action: 'conflict', file, key, with: group.filter((f) => f !== file).map((f) => f.absPath) });
        continue;
      }
      const cached = cache.get(file.absPath);
      if (!options.force && cached && isSameStat(cached, file) && coversKey(cached, key)) {
        items.push({ action: 'skip', file, key, reason: 'unchanged', entry: cached });
      } else {
        items.push({ action: 'transfer', file, key, ...(cached ? { cached } : {}) });
      }
    }
  }
  return items;
}
