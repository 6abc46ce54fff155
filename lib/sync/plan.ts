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
    if (!Array.isArray(one)) {
      items.push(planFile(one, key, cache, options.force));
      continue;
    }
    const allowed = keyHolder(one, cache.ownerOfKey(key));
    for (const file of one) {
      if (file === allowed) items.push(planFile(file, key, cache, options.force));
      else items.push({ action: 'conflict', file, key, with: one.filter((f) => f !== file).map((f) => f.absPath), ...(allowed ? { heldBy: allowed.absPath } : {}) });
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

// Several local files mapping to one key: only the file the cache knows as the key's owner may
// keep it; the others are conflicts, so nothing silently overwrites anything.
function keyHolder(group: readonly ScannedFile[], owner: CacheEntry | undefined): ScannedFile | undefined {
  return owner ? group.find((f) => f.absPath === owner.path) : undefined;
}
