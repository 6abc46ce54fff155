// Stage 4, record: a file whose object is verified in the bucket (uploaded, adopted, deduplicated
// or found unchanged) becomes a cache entry at once, appended to the journal before the file
// counts as done; the run ends with a new snapshot. Both pass through the dry-run gate.
import { systemNow, type Now } from '../../clock.ts';
import type { Gate } from '../../gate.ts';
import type { HashCache } from './cache.ts';
import type { CacheEntry, CacheVia } from './types.ts';
import type { ScannedFile } from '../scan/types.ts';

export interface Recorder {
  // `etag`: the object's, when known (what the next run's listing is compared with).
  record(file: ScannedFile, sha256: string, key: string, via: CacheVia, etag?: string): Promise<void>;
  // Write the snapshot (the journal's entries folded in).
  finish(): Promise<void>;
}

export function cacheEntryFor(file: ScannedFile, sha256: string, key: string, via: CacheVia, at: Date): CacheEntry {
  return {
    path: file.absPath,
    key,
    sha256,
    size: file.size,
    mtimeMs: file.mtimeMs,
    ctimeMs: file.ctimeMs,
    ino: file.ino,
    recordedAt: at.toISOString(),
    via,
  };
}

// `owe`: a new object (uploaded, or copied to its key) is noted as owed processing before it is
// recorded as synced (./../process/owed.ts), so no crash between the two can forget it.
export function createRecorder(
  cache: HashCache,
  deps: { gate: Gate; now?: Now; owe?: (key: string) => void },
): Recorder {
  const now = deps.now ?? systemNow;
  return {
    async record(file, sha256, key, via, etag) {
      const entry = { ...cacheEntryFor(file, sha256, key, via, now()), ...(etag ? { etag } : {}) };
      const isNew = via === 'upload' || via === 'copied';
      await deps.gate.run('record in the cache', { path: entry.path, key: entry.key }, () => {
        if (isNew) deps.owe?.(key);
        cache.record(entry);
      });
    },
    async finish() {
      await deps.gate.run('write the cache snapshot', { file: cache.file }, () => cache.compact());
    },
  };
}
