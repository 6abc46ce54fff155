// `sync --check`, as `rclone check` does: every complete local file against the bucket, by key,
// size and content, and the objects no local file maps to. Content is proven by the ETag: the
// one recorded in the cache for a file unchanged since (no read), else the file's MD5 (or its
// multipart form) computed now, else our sha256 metadata (a HEAD and a hash). Nothing is written:
// no object, cache, lock or run record.
import type { Config } from '../../config/types.ts';
import type { Storage } from '../../storage/types.ts';
import { destinationOf } from '../../storage/client.ts';
import { listBucket, listedOrUnknown, type ListingHint } from '../bucket/listing-hint.ts';
import { HashCache } from '../cache/cache.ts';
import type { CacheEntry } from '../cache/types.ts';
import { objectKeyFor } from '../plan/keys.ts';
import { isUnchanged } from '../plan/unchanged.ts';
import { FAILED_SKIPS, scanDownloads, scanRulesOf } from '../scan/scan.ts';
import type { ScannedFile } from '../scan/types.ts';
import { etagForm, matchesEtag } from '../transfer/etag.ts';
import { sha256File } from '../transfer/hash.ts';
import { forEachConcurrent } from '../transfer/pool.ts';

export interface CheckItem {
  readonly path: string;
  readonly key: string;
  readonly detail: string;
}

export interface CheckResult {
  readonly files: number;
  readonly matched: number;
  // Local files with no object under their key, or an object with other bytes.
  readonly missing: readonly CheckItem[];
  readonly differ: readonly CheckItem[];
  // Keys under the prefix no local file maps to (removed files, other clients' objects).
  readonly onlyInBucket: readonly string[];
  // Local files that could not be checked (unreadable, a broken link, an impossible key).
  readonly unchecked: readonly CheckItem[];
}

type Verdict = { readonly kind: 'match' } | { readonly kind: 'missing' | 'differ'; readonly detail: string };

export async function checkBucket(config: Config, storage: Storage): Promise<CheckResult> {
  const prefix = config.storage.prefix;
  const listingReady = listBucket(storage, prefix);
  listingReady.catch(() => undefined); // awaited below
  const destination = destinationOf(config.storage);
  const cache = await HashCache.load(config.cacheFile, { readOnly: true, destination, foreign: 'prove' });
  const scan = await scanDownloads(config.sources, scanRulesOf(config));
  const listing = await listingReady;
  const unchecked: CheckItem[] = scan.skipped
    .filter((s) => FAILED_SKIPS.has(s.reason))
    .map((s) => ({ path: s.path, key: '', detail: `${s.reason}${s.detail ? `: ${s.detail}` : ''}` }));
  const missing: CheckItem[] = [];
  const differ: CheckItem[] = [];
  const localKeys = new Set<string>();
  let matched = 0;
  await forEachConcurrent(scan.files, config.checkers, async (file) => {
    const k = objectKeyFor(prefix, file.source, file.relPath);
    if (!k.ok) return void unchecked.push({ path: file.absPath, key: '', detail: k.problem });
    localKeys.add(k.key);
    const v = await checkFile(file, k.key, cache.get(file.absPath), listing, storage);
    if (v.kind === 'match') matched++;
    else (v.kind === 'missing' ? missing : differ).push({ path: file.absPath, key: k.key, detail: v.detail });
  });
  cache.close();
  const onlyInBucket = [...listing.keys()].filter((key) => !localKeys.has(key)).sort();
  const byPath = (a: CheckItem, b: CheckItem) => (a.path < b.path ? -1 : 1);
  return {
    files: scan.files.length,
    matched,
    missing: missing.sort(byPath),
    differ: differ.sort(byPath),
    onlyInBucket,
    unchecked: unchecked.sort(byPath),
  };
}

// One file: its object (or, for a copy the cache recorded as a duplicate, the object it points at).
async function checkFile(
  file: ScannedFile,
  key: string,
  cached: CacheEntry | undefined,
  listing: ListingHint,
  storage: Storage,
): Promise<Verdict> {
  const unchanged = cached !== undefined && isUnchanged(cached, file, key);
  const target = unchanged && cached.via === 'dedup' ? cached.key : key;
  const listed = await listedOrAsked(listing, storage, target);
  if (!listed)
    return {
      kind: 'missing',
      detail: target === key ? 'not in the bucket' : `its copy ${target} is not in the bucket`,
    };
  if (listed.size !== file.size)
    return { kind: 'differ', detail: `${listed.size} bytes in the bucket, ${file.size} here` };
  if (unchanged && cached.etag && cached.etag === listed.etag) return { kind: 'match' };
  if (etagForm(listed.etag).kind !== 'other' && (await matchesEtag(listed.etag, file))) return { kind: 'match' };
  const st = await storage.stat(target);
  if (st?.sha256 && st.sha256 === (await sha256File(file.fsPath))) return { kind: 'match' };
  return {
    kind: 'differ',
    detail: `ETag ${listed.etag}${st?.sha256 ? ' and sha256' : ''} do not match the file's bytes`,
  };
}

// The object as listed; a HEAD decides for a key outside the prefix listed, or absent from a
// listing of several pages (s3rver can skip keys there).
async function listedOrAsked(listing: ListingHint, storage: Storage, key: string) {
  const known = listedOrUnknown(listing, key);
  if (known !== undefined) return known;
  const st = await storage.stat(key);
  return st && { size: st.size, etag: st.etag };
}
