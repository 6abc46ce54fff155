// The cache's indexes by content and by key, and the count of dedup entries pointing at each key:
// built at their first use (a run that finds every file unchanged never needs them) from every
// entry, then kept up to date as entries are recorded.
import type { CacheEntry } from './types.ts';

export class ContentIndex {
  private bySha: Map<string, CacheEntry> | undefined;
  private byKey: Map<string, CacheEntry> | undefined;
  private dedupKeys: Map<string, number> | undefined;

  // `all` yields every entry; the index keeps the very objects it yields (identity matters: an
  // entry replaced later is found and dropped by it).
  constructor(private readonly all: () => Iterable<CacheEntry>) {}

  // An entry whose object really holds this content (uploaded or adopted, not a dedup pointer).
  findContent(sha256: string): CacheEntry | undefined {
    return this.built().bySha.get(sha256);
  }

  // The entry that put content under `key`, if any.
  ownerOfKey(key: string): CacheEntry | undefined {
    return this.built().byKey.get(key);
  }

  // Whether a dedup entry points at `key` (such a key must not be removed).
  isReferenced(key: string): boolean {
    if (!this.dedupKeys) {
      this.dedupKeys = new Map();
      for (const e of this.all()) if (e.via === 'dedup') this.bump(e.key, 1);
    }
    return (this.dedupKeys.get(key) ?? 0) > 0;
  }

  // `entry` replaces `previous` (the entry recorded before for the same path, if any).
  replace(previous: CacheEntry | undefined, entry: CacheEntry): void {
    if (this.dedupKeys) {
      if (previous?.via === 'dedup') this.bump(previous.key, -1);
      if (entry.via === 'dedup') this.bump(entry.key, 1);
    }
    if (!this.bySha || !this.byKey) return;
    if (previous && this.bySha.get(previous.sha256) === previous) this.bySha.delete(previous.sha256);
    if (previous && this.byKey.get(previous.key) === previous) this.byKey.delete(previous.key);
    this.add(entry);
  }

  private built(): { bySha: Map<string, CacheEntry>; byKey: Map<string, CacheEntry> } {
    if (!this.bySha || !this.byKey) {
      this.bySha = new Map();
      this.byKey = new Map();
      for (const entry of this.all()) this.add(entry);
    }
    return { bySha: this.bySha, byKey: this.byKey };
  }

  // A dedup entry points at content but never owns a key or holds content itself.
  private add(entry: CacheEntry): void {
    if (entry.via === 'dedup') return;
    this.bySha!.set(entry.sha256, entry);
    this.byKey!.set(entry.key, entry);
  }

  private bump(key: string, by: number): void {
    this.dedupKeys!.set(key, (this.dedupKeys!.get(key) ?? 0) + by);
  }
}
