// Stage 2, plan: a pure function of the scan and the hash cache. Maps each file the scan passed
// on to its key and settles key conflicts: several files mapping to one key, or a newcomer
// mapping to the key of a file still on disk. What to do with each file (hash, upload, adopt…)
// is decideFile's, in the transfer; unchanged files never get here (./unchanged.ts, in the scan).
import type { Logger } from '../../log/logger.ts';
import type { CacheView } from '../cache/types.ts';
import type { ScannedFile, ScanResult } from '../scan/types.ts';
import { objectKeyFor } from './keys.ts';
import type { PlanItem, PlanOptions } from './types.ts';

export function planUploads(files: readonly ScannedFile[], cache: CacheView, options: PlanOptions): PlanItem[] {
  const items: PlanItem[] = [];
  // key → every file mapping to it (more than one is rare: a conflict)
  const byKey = new Map<string, ScannedFile[]>();
  for (const file of files) {
    const k = objectKeyFor(options.prefix, file.source, file.relPath);
    if (!k.ok) items.push({ action: 'invalid', file, problem: k.problem });
    else byKey.set(k.key, [...(byKey.get(k.key) ?? []), file]);
  }
  const paths = new Set(files.map((f) => f.absPath));
  const present = (p: string) => paths.has(p) || options.settled?.has(p) === true;
  for (const [key, group] of byKey) items.push(...planKey(key, group, keyHolder(key, cache, present), cache));
  return items;
}

// The files mapping to one key: the holder (or a lone file when nobody holds the key) goes on
// to the transfer; every other file is a conflict, so nothing silently overwrites anything.
function planKey(key: string, group: readonly ScannedFile[], holder: string | undefined, cache: CacheView): PlanItem[] {
  return group.map((file): PlanItem => {
    if (file.absPath === holder || (holder === undefined && group.length === 1)) {
      const cached = cache.get(file.absPath);
      return cached ? { action: 'transfer', file, key, cached } : { action: 'transfer', file, key };
    }
    const others = group.filter((f) => f !== file).map((f) => f.absPath);
    const heldElsewhere = holder !== undefined && !group.some((f) => f.absPath === holder);
    const withFiles = heldElsewhere ? [...others, holder] : others;
    return { action: 'conflict', file, key, with: withFiles, ...(holder ? { heldBy: holder } : {}) };
  });
}

// The file still on disk whose upload the cache says the key holds, if any.
function keyHolder(key: string, cache: CacheView, present: (path: string) => boolean): string | undefined {
  const owner = cache.ownerOfKey(key);
  return owner && present(owner.path) ? owner.path : undefined;
}

// Stage 2 as a run calls it: the plan, its conflicts and impossible keys logged.
export function planStage(scan: ScanResult, cache: CacheView, prefix: string, log: Logger): PlanItem[] {
  const plan = planUploads(scan.files, cache, { prefix, ...(scan.settled ? { settled: scan.settled } : {}) });
  for (const item of plan) {
    const path = item.file.absPath;
    if (item.action === 'conflict') {
      const heldBy = item.heldBy ? { heldBy: item.heldBy } : {};
      log.write({ kind: 'plan.conflict', path, key: item.key, with: item.with, ...heldBy });
    }
    if (item.action === 'invalid') log.write({ kind: 'plan.invalid-key', path, problem: item.problem });
  }
  return plan;
}
