// The storage boundary's vocabulary: what the rest of the toolkit may ask of the bucket.
import type { RetryPolicy } from '../retry.ts';
import type { CopyRequest } from './copy.ts';
import type { ListedObject } from './listing.ts';
import type { PutResult, VerifyMode } from './upload.ts';

export type { ListedObject } from './listing.ts';
export type { PutResult, VerifyMode } from './upload.ts';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly sha256?: string;
  readonly etag: string;
  // Server-side encrypted with a key the ETag does not reveal the MD5 through (SSE-KMS, SSE-C).
  readonly encrypted: boolean;
  readonly lastModified: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface Storage {
  readonly bucket: string;
  // Each throws StorageUnreachableError when the server cannot be reached after retries.
  bucketExists(): Promise<boolean>;
  createBucket(): Promise<void>;
  stat(key: string): Promise<ObjectInfo | null>;
  // A whole object from memory, as one request; `sha256` is the body's (the server checks it).
  putBuffer(
    key: string,
    body: Buffer,
    sha256: string,
    metadata: Record<string, string>,
    contentType: string,
  ): Promise<PutResult>;
  // A file in parts of SYNC_PART_SIZE_MB; returns the SHA-256 and length of what was sent.
  // `partBuffer` (at least a part long, or the file's size) is used for the parts instead of a new one.
  putFileInParts(
    key: string,
    filePath: string | Buffer,
    size: number,
    metadata: Record<string, string>,
    contentType: string,
    partBuffer?: Buffer,
    // Told the length of each part once the server has it (progress that moves with the bytes).
    onPart?: (bytes: number) => void,
  ): Promise<PutResult>;
  // How uploads are verified on this server (probed once, at the first upload).
  verifyMode(): Promise<VerifyMode>;
  // A server-side copy (no object bytes sent), conditional on the source's ETag; the new ETag.
  copy(c: CopyRequest): Promise<string>;
  remove(key: string): Promise<void>;
  // The size of part 1 of a multipart object, when the server states it.
  partSize(key: string): Promise<number | undefined>;
  list(prefix: string): AsyncIterable<ListedObject>;
}

export interface StorageOptions {
  readonly retry: RetryPolicy;
}
