// What the bucket holds, from a listing (one request per 1,000 keys) instead of a HEAD per file:
// for a first run or a lost cache most keys do not exist yet, and those need no request before
// their upload. A listing is a hint, never proof of absence (s3rver's paged listings can skip
// keys): a key it wrongly says is absent costs one upload of bytes that were there, never a wrong
// record; a key it lists with the file's size is adopted only once its ETag is proven to be the
// one of the file's bytes (or a HEAD shows our sha256).
// Kept compact, for archives of millions of objects: each key once (a string of its own, not a
// slice holding the page's XML alive), its size in a number array, its ETag as 16 bytes and a
// part count when it is an MD5 form (nearly always), as text otherwise.
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

// What a listing proves of `key`, for a check that must not guess: the object, null when the
// listing shows it absent, undefined when it cannot say. An absence proves nothing in a listing
// of several pages (s3rver's paged listings can skip keys): a HEAD decides there. (The transfer
// takes `lookup`'s null as it is: a wrong "absent" costs it one upload, never a wrong record.)
export function listedOrUnknown(listing: ListingHint, key: string): ListedObjectFacts | null | undefined {
  const listed = listing.lookup(key);
  return listed === null && listing.pages > 1 ? undefined : listed;
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
  const seen = new ListedObjects();
  let last = '';
  let complete = true;
  try {
    for await (const o of storage.list(prefix)) {
      if (seen.size >= maxKeys) {
        complete = false;
        break;
      }
      last = seen.add(o.key, o.size, o.etag);
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
      if (o) return { ...o, listed: true };
      return complete || byteCompare(key, last) <= 0 ? null : undefined;
    },
  };
}

const MD5_FORM = /^([0-9a-f]{32})(?:-(\d+))?$/;

// Keys, sizes and ETags, about 100 bytes an object.
class ListedObjects {
  private readonly index = new Map<string, number>();
  private readonly sizes: number[] = [];
  private md5s = Buffer.allocUnsafe(16 * 1024);
  // The part count of a multipart ETag, 0 for a plain MD5, -1 for another form (in `others`).
  private readonly parts: number[] = [];
  private readonly others = new Map<number, string>();

  get size(): number {
    return this.index.size;
  }

  // Returns the key as kept.
  add(key: string, size: number, etag: string): string {
    const own = Buffer.from(key, 'utf8').toString('utf8'); // not a slice of the page's XML
    const i = this.index.get(own) ?? this.sizes.length;
    this.index.set(own, i);
    this.sizes[i] = size;
    const m = MD5_FORM.exec(etag); // anything else (upper case too) is kept as it is
    if (!m) {
      this.parts[i] = -1;
      this.others.set(i, etag);
      return own;
    }
    if (16 * (i + 1) > this.md5s.length) this.md5s = Buffer.concat([this.md5s, Buffer.alloc(this.md5s.length)]);
    this.md5s.write(m[1]!, 16 * i, 'hex');
    this.parts[i] = m[2] === undefined ? 0 : Number(m[2]);
    return own;
  }

  get(key: string): { readonly size: number; readonly etag: string } | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const p = this.parts[i]!;
    if (p < 0) return { size: this.sizes[i]!, etag: this.others.get(i)! };
    const md5 = this.md5s.toString('hex', 16 * i, 16 * i + 16);
    return { size: this.sizes[i]!, etag: p === 0 ? md5 : `${md5}-${p}` };
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }
}
