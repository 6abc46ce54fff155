// Reading a file's content for the decision and the upload, once. A file up to the part size is
// read whole into memory (its SHA-256 taken from that buffer, which is then what is sent); a
// larger one is hashed in 2 MiB synchronous reads (about 1.5x faster here than a read stream),
// yielding to the event loop between reads so uploads in flight keep moving.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { VerificationError } from '../errors.ts';

export const HASH_CHUNK_BYTES = 2 * 1024 * 1024;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function sha256File(filePath: string | Buffer): Promise<string> {
  const hash = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  const fd = fs.openSync(filePath, 'r');
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
      await nextTurn();
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

export interface Content {
  readonly sha256: string;
  // The bytes, when the file was small enough to hold (they are what gets uploaded).
  readonly body?: Buffer;
}

export type ContentReader = (file: { readonly fsPath: string | Buffer; readonly size: number }) => Promise<Content>;

// A reader that holds files up to `inMemoryMaxBytes` (the part size: they go up as one request).
export function contentReader(inMemoryMaxBytes: number): ContentReader {
  return async ({ fsPath, size }) => {
    if (size > inMemoryMaxBytes) return { sha256: await sha256File(fsPath) };
    const body = await fs.promises.readFile(fsPath);
    if (body.length !== size) throw new VerificationError(`${String(fsPath)} changed since the scan (${size} bytes then, ${body.length} now); it is tried again next run`);
    return { sha256: crypto.createHash('sha256').update(body).digest('hex'), body };
  };
}
