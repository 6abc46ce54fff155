// Stage 2, plan: a pure function of the scan and the hash cache. Maps each file to its key,
// settles key conflicts among this run's files, and asks decideFile what it can decide from
// `stat` alone (unchanged files are skipped without being read).
import type { CacheEntry, CacheView } from './cache.ts';
import { decideFile } from './decide.ts';
import { objectKeyFor } from './keys.ts';
import type { ScannedFile } from './scan.ts';

export type PlanItem =
  | { readonly action: 'skip'; readonly file: ScannedFile; readonly key: string; readonly reason: 'unchanged' }
  | { readonly action: 'transfer'; readonly file: ScannedFile; readonly key: string; readonly cached?: CacheEntry }
  | { readonly action: 'conflict'; readonly file: ScannedFile; readonly key: string; readonly with: readonly string[]; readonly heldBy?: string }
  | { readonly action: 'invalid'; readonly file: ScannedFile; readonly problem: string };

export type TransferItem = Extract<PlanItem, { action: 'transfer' }>;

export interface PlanOptions {
  readonly prefix: string;
  readonly force: boolean;
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
    const allowed = group.length === 1 ? one as ScannedFile : keyHolder(group, cache.ownerOfKey(key));
    for (const file of group) {
      if (file !== allowed) {
        items.push({ action: 'conflict', file, key, with: group.filter((f) => f !== file).map((f) => f.absPath), ...(allowed ? { heldBy: allowed.absPath } : {}) });
        continue;
      }
      const cached = cache.get(file.absPath);
      const decision = decideFile({ file, key, force: options.force, ...(cached ? { cached } : {}) });
      if (decision.action === 'skip') items.push({ action: 'skip', file, key, reason: decision.reason });
      else items.push({ action: 'transfer', file, key, ...(cached ? { cached } : {}) });
    }
  }
  return items;
}

// Several local files mapping to one key: only the file the cache knows as the key's owner may
// keep it; the others are conflicts, so nothing silently overwrites anything.
function keyHolder(group: readonly ScannedFile[], owner: CacheEntry | undefined): ScannedFile | undefined {
  if (group.length === 1) return group[0];
  return owner ? group.find((f) => f.absPath === owner.path) : undefined;
}
