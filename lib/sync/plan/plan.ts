// Stage 2, plan: a pure function of the scan and the hash cache. Maps each file the scan passed
// on to its key and settles key conflicts: several files mapping to one key, or a newcomer
// mapping to the key of a file still on disk. What to do with each file (hash, upload, adopt…)
// is decideFile's, in the transfer; unchanged files never get here (./unchanged.ts, in the scan).
import type { Logger } from '../../log/logger.ts';
import { TRUST_THE_CACHE, type BucketProof } from '../bucket/proof.ts';
import type { CacheEntry, CacheView } from '../cache/types.ts';
import type { ScannedFile, ScanResult } from '../scan/types.ts';
import { objectKeyFor } from './keys.ts';
import { coversKey } from './unchanged.ts';
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
  const present = (p: string) => paths.has(p) || options.onDisk?.(p) === true;
  const proof = options.proof ?? TRUST_THE_CACHE;
  for (const [key, group] of byKey) {
    const holder = keyHolder(key, cache, present);
    items.push(...planKey(key, group, holder, (file) => transferItem(file, key, cache.get(file.absPath), proof)));
  }
  return items;
}

// A file on its way to the transfer, with its cache entry when the bucket proves it (or when it
// was recorded under another key: then it is a copy source the transfer checks itself).
function transferItem(file: ScannedFile, key: string, cached: CacheEntry | undefined, proof: BucketProof): PlanItem {
  if (!cached) return { action: 'transfer', file, key };
  if (!coversKey(cached, key)) return { action: 'transfer', file, key, cached };
  const verdict = proof(cached);
  return verdict.kind === 'proven'
    ? { action: 'transfer', file, key, cached }
    : { action: 'transfer', file, key, unproven: verdict };
}

// The files mapping to one key: the holder (or a lone file when nobody holds the key) goes on
// to the transfer; every other file is a conflict, so nothing silently overwrites anything.
function planKey(
  key: string,
  group: readonly ScannedFile[],
  holder: string | undefined,
  transfer: (file: ScannedFile) => PlanItem,
): PlanItem[] {
  return group.map((file): PlanItem => {
    if (file.absPath === holder || (holder === undefined && group.length === 1)) return transfer(file);
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

// Stage 2 as a run calls it: the plan, its conflicts, impossible keys and the cache entries the
// bucket did not prove logged (the first UNPROVEN_LOGGED of those, then their count).
export function planStage(
  scan: ScanResult,
  cache: CacheView,
  options: Pick<PlanOptions, 'prefix' | 'proof' | 'onDisk'>,
  log: Logger,
): PlanItem[] {
  const plan = planUploads(scan.files, cache, options);
  let unproven = 0;
  for (const item of plan) {
    const path = item.file.absPath;
    if (item.action === 'transfer' && item.unproven && item.unproven.kind !== 'unknown') {
      const { key, ...why } = item.unproven;
      const detail = 'detail' in why ? { detail: why.detail } : {};
      if (++unproven <= UNPROVEN_LOGGED) log.write({ kind: 'bucket.unproven', path, key, ...detail });
    }
    if (item.action === 'conflict') {
      const heldBy = item.heldBy ? { heldBy: item.heldBy } : {};
      log.write({ kind: 'plan.conflict', path, key: item.key, with: item.with, ...heldBy });
    }
    if (item.action === 'invalid') log.write({ kind: 'plan.invalid-key', path, problem: item.problem });
  }
  if (unproven > UNPROVEN_LOGGED) log.write({ kind: 'bucket.unproven-more', count: unproven - UNPROVEN_LOGGED });
  return plan;
}

const UNPROVEN_LOGGED = 20;
