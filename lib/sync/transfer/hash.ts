// Reading a file's content for the decision and the upload, once. A file up to the part size is
// read whole into memory (its SHA-256 taken from that buffer, which is then what is sent); a
// larger one is hashed in 2 MiB chunks, the next chunk read (on libuv's thread pool) while this
// one is hashed: the copy out of the page cache no longer waits on the hash, nor the hash on it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { VerificationError } from '../../errors.ts';
import type { BufferPool } from './buffers.ts';

export const HASH_CHUNK_BYTES = 2 * 1024 * 1024;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const readAt = (fd: number, buf: Buffer, position: number) =>
  new Promise<number>((resolve, reject) =>
    fs.read(fd, buf, 0, buf.length, position, (e, n) => (e ? reject(e) : resolve(n))),
  );

// Feed the file to `feed` in order, in chunks of up to 2 MiB: two halves of one block (from the
// pool when there is one), one being read while `feed` is given the other. `feed` must be done
// with a chunk when it returns (its memory is read into again).
export async function forEachChunk(
  filePath: string | Buffer,
  feed: (chunk: Buffer) => void,
  pool?: BufferPool,
): Promise<void> {
  const block = pool ? await pool.take(2 * HASH_CHUNK_BYTES) : Buffer.allocUnsafe(2 * HASH_CHUNK_BYTES);
  const halves = [block.subarray(0, HASH_CHUNK_BYTES), block.subarray(HASH_CHUNK_BYTES)];
  try {
    const fd = fs.openSync(filePath, 'r');
    let pending: Promise<number> | undefined;
    try {
      let position = 0;
      pending = readAt(fd, halves[0]!, 0);
      for (let i = 0, n; (n = await pending) > 0; i ^= 1) {
        position += n;
        pending = readAt(fd, halves[i ^ 1]!, position);
        feed(n === HASH_CHUNK_BYTES ? halves[i]! : halves[i]!.subarray(0, n));
      }
      pending = undefined;
    } finally {
      await pending?.catch(() => {}); // the fd is closed (and the block given back) only once no read is using it
      fs.closeSync(fd);
    }
  } finally {
    pool?.give(block);
  }
}

// The SHA-256 of a file; `also` is given every chunk too (an ETag check in the same read).
export async function sha256File(
  filePath: string | Buffer,
  pool?: BufferPool,
  also?: (chunk: Buffer) => void,
): Promise<string> {
  const hash = crypto.createHash('sha256');
  await forEachChunk(
    filePath,
    also ? (chunk) => (hash.update(chunk), also(chunk)) : (chunk) => hash.update(chunk),
    pool,
  );
  return hash.digest('hex');
}

// Read exactly `size` bytes into `body`; a file that is now shorter or longer has changed.
async function readWhole(fsPath: string | Buffer, body: Buffer): Promise<void> {
  const fd = fs.openSync(fsPath, 'r');
  try {
    let got = 0;
    for (let n = 1; got < body.length && n > 0; got += n) {
      n = fs.readSync(fd, body, got, Math.min(HASH_CHUNK_BYTES, body.length - got), got);
      if (n > 0 && got + n < body.length) await nextTurn();
    }
    const more = fs.readSync(fd, Buffer.allocUnsafe(1), 0, 1, body.length);
    if (got < body.length || more > 0)
      throw new VerificationError(
        `${String(fsPath)} changed since the scan (${body.length} bytes then, ${more ? 'more' : got} now); ` +
          'it is tried again next run',
      );
  } finally {
    fs.closeSync(fd);
  }
}

export interface Content {
  readonly sha256: string;
  // The bytes, when the file was small enough to hold (they are what gets uploaded).
  readonly body?: Buffer;
  // Give the body's memory back (once it is sent, or no longer needed).
  readonly release?: () => void;
}

// `also` is given the bytes in the same read (to check an ETag with them).
export type ContentReader = (
  file: { readonly fsPath: string | Buffer; readonly size: number },
  also?: (chunk: Buffer) => void,
) => Promise<Content>;

// A reader that holds files up to `inMemoryMaxBytes` (the part size: they go up as one request),
// in memory from `pool` when there is one (released by the caller).
export function contentReader(inMemoryMaxBytes: number, pool?: BufferPool): ContentReader {
  return async ({ fsPath, size }, also) => {
    if (size > inMemoryMaxBytes) return { sha256: await sha256File(fsPath, pool, also) };
    if (pool) {
      const body = await pool.take(size);
      try {
        await readWhole(fsPath, body);
      } catch (e) {
        pool.give(body);
        throw e;
      }
      also?.(body);
      return { sha256: crypto.createHash('sha256').update(body).digest('hex'), body, release: () => pool.give(body) };
    }
    const body = await fs.promises.readFile(fsPath);
    if (body.length !== size)
      throw new VerificationError(
        `${String(fsPath)} changed since the scan (${size} bytes then, ${body.length} now); it is tried again next run`,
      );
    also?.(body);
    return { sha256: crypto.createHash('sha256').update(body).digest('hex'), body };
  };
}
