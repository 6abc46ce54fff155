// Proving that an object holds a file's bytes without downloading it, from its ETag: a
// single-part object's ETag is the MD5 of its bytes; a multipart one's is
// md5(md5(part 1) … md5(part N))-N, which can be recomputed locally once the part size is known.
// The part sizes tried are those that give N parts for the object's size among the sizes
// clients use (minio-py and AWS CLI 5 and 8 MiB, s3cmd 15, rclone 5, ours 16, minio-js 64…),
// the smallest whole MiB that gives N, and one the server states (HEAD ?partNumber=1).
// All candidates are hashed in one read of the file.
import crypto from 'node:crypto';
import type { BufferPool } from './buffers.ts';
import { forEachChunk } from './hash.ts';

const MIB = 1024 * 1024;
export const COMMON_PART_SIZES_MIB = [5, 8, 10, 15, 16, 25, 32, 50, 64, 100, 128, 256, 512];

export type EtagForm =
  | { readonly kind: 'md5'; readonly md5: string }
  | { readonly kind: 'multipart'; readonly digest: string; readonly parts: number }
  | { readonly kind: 'other' };

export function etagForm(etag: string | undefined): EtagForm {
  const e = (etag ?? '').replace(/^"|"$/g, '').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(e)) return { kind: 'md5', md5: e };
  const m = /^([0-9a-f]{32})-(\d+)$/.exec(e);
  return m ? { kind: 'multipart', digest: m[1]!, parts: Number(m[2]) } : { kind: 'other' };
}

// Part sizes (bytes) that split `size` into exactly `parts` parts.
export function candidatePartSizes(size: number, parts: number, stated?: number): number[] {
  const fits = (p: number) => p > 0 && Math.ceil(size / p) === parts;
  const mib = COMMON_PART_SIZES_MIB.map((m) => m * MIB);
  const smallestWholeMib = Math.ceil(size / parts / MIB) * MIB;
  return [...new Set([...(stated ? [stated] : []), ...mib, smallestWholeMib])].filter(fits);
}

// The multipart ETag digest of `bytes` split in parts of `partSize`.
function multipartDigest(partMd5s: readonly Buffer[]): string {
  return crypto.createHash('md5').update(Buffer.concat(partMd5s)).digest('hex');
}

// Whether the bytes (in memory, or read from `fsPath`) have this ETag.
export async function matchesEtag(
  etag: string | undefined,
  source: { body?: Buffer; fsPath: string | Buffer; size: number },
  statedPartSize?: number,
  pool?: BufferPool,
): Promise<boolean> {
  const check = etagCheck(etag, source.size, statedPartSize);
  if (!check) return false;
  if (source.body) check.feed(source.body);
  else await forEachChunk(source.fsPath, check.feed, pool);
  return check.matches();
}

// A check of an ETag against bytes fed to it in order, every candidate part size in the same
// pass: what lets the read that takes a file's SHA-256 also prove the object a listing shows.
export interface EtagCheck {
  readonly feed: (chunk: Buffer) => void;
  // Once every byte was fed.
  matches(): boolean;
}

// Undefined when no form of `size` bytes can have this ETag (not an MD5, no part size fits).
export function etagCheck(etag: string | undefined, size: number, statedPartSize?: number): EtagCheck | undefined {
  const form = etagForm(etag);
  const sizes = partSizesToTry(form, size, statedPartSize);
  if (form.kind === 'other' || !sizes.length) return undefined;
  const parts = partMd5s(sizes);
  return {
    feed: parts.feed,
    matches: () => {
      const all = parts.finish();
      return form.kind === 'md5'
        ? all[0]![0]!.toString('hex') === form.md5
        : all.some((md5s) => multipartDigest(md5s) === form.digest);
    },
  };
}

// Whether some form of `size` bytes can have this ETag (etagCheck would check it), asked without
// making the check.
export function etagProvable(etag: string | undefined, size: number): boolean {
  return partSizesToTry(etagForm(etag), size).length > 0;
}

// The part sizes whose MD5s an ETag of this form is computed from: the whole for a plain MD5.
function partSizesToTry(form: EtagForm, size: number, statedPartSize?: number): number[] {
  if (form.kind === 'other') return [];
  return form.kind === 'md5' ? [Math.max(1, size)] : candidatePartSizes(size, form.parts, statedPartSize);
}

// MD5 of every part, for each part size, from the bytes fed in order.
function partMd5s(partSizes: readonly number[]): { feed: (chunk: Buffer) => void; finish: () => Buffer[][] } {
  const states = partSizes.map((p) => ({ p, hash: crypto.createHash('md5'), inPart: 0, done: [] as Buffer[] }));
  const feed = (chunk: Buffer) => {
    for (const s of states) {
      for (let at = 0; at < chunk.length;) {
        const take = Math.min(s.p - s.inPart, chunk.length - at);
        s.hash.update(chunk.subarray(at, at + take));
        s.inPart += take;
        at += take;
        if (s.inPart === s.p) {
          s.done.push(s.hash.digest());
          s.hash = crypto.createHash('md5');
          s.inPart = 0;
        }
      }
    }
  };
  const finish = () => {
    for (const s of states) if (s.inPart > 0 || s.done.length === 0) s.done.push(s.hash.digest());
    return states.map((s) => s.done);
  };
  return { feed, finish };
}
