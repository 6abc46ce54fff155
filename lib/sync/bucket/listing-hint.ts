// What the bucket holds, from a listing (one request per 1,000 keys) instead of a HEAD per file:
// for a first run or a lost cache most keys do not exist yet, and those need no request before
// their upload. A listing is a hint, never proof (s3rver's paged listings can skip keys): a key
// it wrongly says is absent costs one upload of bytes that were there, never a wrong record,
// and a key it lists with the file's size is still stat'ed for its sha256 before it is adopted.
import type { StorageError } from '../../errors.ts';
import type { Storage } from '../../storage/types.ts';

// An object as a listing shows it (no metadata: a HEAD tells its sha256).
export interface ListedObjectFacts {
  readonly size: number;
  readonly etag: string;
  readonly listed: true;
}

// Listing pays off from this many files that may need to ask the bucket.
export const LISTING_MIN_FILES = 64;
// At most one page per this many files: a huge bucket is not listed for a few new files.
const FILES_PER_PAGE = LISTING_MIN_FILES;

export interface ListingHint {
  // The object under `key` as listed (null: none), or undefined when the listing did not reach it.
  lookup(key: string): ListedObjectFacts | null | undefined;
  readonly pages: number;
  readonly complete: boolean;
  // What was listed: keys outside it are unknown.
  readonly prefix: string;
  // Every key listed.
  keys(): Iterable<string>;
}

// S3 lists keys in UTF-8 byte order, which is not JavaScript's string order.
const byteCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// A listing for the transfer of `files` files: none for a few, at most a page per 64 files.
export async function listBucketHint(
  storage: Storage,
  prefix: string,
  files: number,
): Promise<ListingHint | undefined> {
  if (files < LISTING_MIN_FILES) return undefined;
  return listBucket(storage, prefix, Math.ceil(files / FILES_PER_PAGE) * 1000);
}

// Every key under `prefix` (or the first `maxKeys`), with its size and ETag.
export async function listBucket(storage: Storage, prefix: string, maxKeys = Infinity): Promise<ListingHint> {
  const seen = new Map<string, { size: number; etag: string }>();
  let last = '';
  let complete = true;
  try {
    for await (const o of storage.list(prefix)) {
      if (seen.size >= maxKeys) {
        complete = false;
        break;
      }
      seen.set(o.key, { size: o.size, etag: o.etag });
      last = o.key;
    }
  } catch (e) {
    if ((e as StorageError).code !== 'NoSuchBucket') throw e; // a dry run does not create the bucket
  }
  return {
    pages: Math.ceil(seen.size / 1000),
    complete,
    prefix,
    keys: () => seen.keys(),
    lookup(key) {
      if (!key.startsWith(prefix)) return undefined;
      const o = seen.get(key);
      if (o) return { size: o.size, etag: o.etag, listed: true };
      return complete || byteCompare(key, last) <= 0 ? null : undefined;
    },
  };
}
