// The hash cache's vocabulary: what an entry records and what the other stages may ask of it.

export type CacheVia = 'upload' | 'adopted' | 'dedup' | 'rehash' | 'copied';

export interface CacheEntry {
  readonly path: string;
  // The object that holds this content (for a dedup entry, the other file's key).
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly recordedAt: string;
  readonly via: CacheVia;
  // The object's ETag when it was recorded (what a listing of the bucket is compared with); missing
  // for entries of caches written before it was kept, and for dedup entries.
  readonly etag?: string;
}

// What the "unchanged" rule and the bucket's proof read of a cache entry (the scan asks it of every
// file, before any hash).
export type CachedStat = Pick<CacheEntry, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'key' | 'via' | 'etag'>;

export interface CacheView {
  get(filePath: string): CacheEntry | undefined;
  // What the "unchanged" rule reads of the entry for this path (cheaper than the entry).
  statOf(filePath: string): CachedStat | undefined;
  // An entry whose object really holds this content (uploaded or adopted, not a dedup pointer).
  findContent(sha256: string): CacheEntry | undefined;
  // The entry that put content under `key`, if any.
  ownerOfKey(key: string): CacheEntry | undefined;
}
