// The bucket, through the real `minio` client: existence, stat, streamed upload, listing.
// Every request goes through our retry (network errors and 5xx, exponential backoff).
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as Minio from 'minio';
import type { Config, StorageConfig } from './config.ts';
import { StorageUnreachableError, StorageError, UploadError } from './errors.ts';
import { HASH_CHUNK_BYTES, HashingPassThrough } from './hash.ts';
import { isRetryableError, isUnreachableError, withRetry, type RetryOptions } from './retry.ts';

export const SHA256_META = 'sha256';
export const ORIGINAL_NAME_META = 'original-name';
export const SOURCE_MTIME_META = 'source-mtime';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly sha256?: string;
  readonly lastModified: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface PutResult {
  // SHA-256 and length of the bytes actually sent.
  readonly sha256: string;
  readonly bytes: number;
}

export interface Storage {
  readonly bucket: string;
  // Throws StorageUnreachableError when the server cannot be reached after retries.
  bucketExists(): Promise<boolean>;
  createBucket(): Promise<void>;
  stat(key: string): Promise<ObjectInfo | null>;
  putFile(key: string, filePath: string, size: number, metadata: Record<string, string>, contentType: string): Promise<PutResult>;
  list(prefix: string): AsyncIterable<ListedObject>;
}

export interface StorageOptions {
  readonly retry: Omit<RetryOptions, 'isRetryable'>;
}

// The storage a configuration describes, with its retry settings.
export function createStorage(config: Pick<Config, 'storage' | 'retries' | 'retryBaseMs'>, onRetry?: RetryOptions['onRetry']): Storage {
  return createMinioStorage(config.storage, { retry: { retries: config.retries, baseMs: config.retryBaseMs, ...(onRetry ? { onRetry } : {}) } });
}

export function createMinioClient(cfg: StorageConfig): Minio.Client {
  return new Minio.Client({
    endPoint: cfg.endPoint,
    port: cfg.port,
    useSSL: cfg.useSSL,
    accessKey: cfg.accessKey,
    secretKey: cfg.secretKey,
    region: cfg.region,
    partSize: cfg.partSizeBytes,
    pathStyle: true,
    // Its own retry re-sends a stream body it has already consumed, and prints to the console:
    // ours (lib/retry.ts) reopens the file for each attempt instead.
    retryOptions: { disableRetry: true },
  });
}

const NOT_FOUND = new Set(['NotFound', 'NoSuchKey']);

export function createMinioStorage(cfg: StorageConfig, options: StorageOptions, client = createMinioClient(cfg)): Storage {
  const where = `${cfg.useSSL ? 'https' : 'http'}://${cfg.endPoint}:${cfg.port}`;
  const retried = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    withRetry(fn, { ...options.retry, isRetryable: isRetryableError }).catch((e: unknown) => {
      if (isUnreachableError(e)) throw new StorageUnreachableError(`S3 server ${where} unreachable during ${what}`, { cause: e });
      throw e;
    });
  return {
    bucket: cfg.bucket,
    async bucketExists() {
      try {
        return await retried('bucket check', () => client.bucketExists(cfg.bucket));
      } catch (e) {
        if (e instanceof StorageUnreachableError) throw e;
        throw new StorageError(`cannot check bucket ${cfg.bucket} on ${where}`, { cause: e });
      }
    },
    async createBucket() {
      await retried('bucket creation', () => client.makeBucket(cfg.bucket, cfg.region)).catch((e: unknown) => {
        const code = (e as { code?: string }).code;
        if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
        throw e;
      });
    },
    async stat(key) {
      try {
        const st = await retried(`stat of ${key}`, () => client.statObject(cfg.bucket, key));
        const metadata: Record<string, string> = {};
        for (const [k, v] of Object.entries(st.metaData ?? {})) metadata[k.toLowerCase()] = String(v);
        const sha256 = metadata[SHA256_META];
        return { key, size: st.size, lastModified: st.lastModified, metadata, ...(sha256 ? { sha256 } : {}) };
      } catch (e) {
        if (NOT_FOUND.has((e as { code?: string }).code ?? '')) return null;
        throw e;
      }
    },
    async putFile(key, filePath, size, metadata, contentType) {
      const headers: Record<string, string> = { 'Content-Type': contentType };
      for (const [k, v] of Object.entries(metadata)) headers[`X-Amz-Meta-${k}`] = v;
      try {
        return await retried(`upload of ${key}`, async () => {
          const hasher = new HashingPassThrough();
          const source = fs.createReadStream(filePath, { highWaterMark: HASH_CHUNK_BYTES });
          try {
            await Promise.all([pipeline(source, hasher), client.putObject(cfg.bucket, key, hasher, size, headers)]);
          } catch (e) {
            source.destroy();
            hasher.destroy();
            throw e;
          }
          return { sha256: hasher.digest(), bytes: hasher.bytes };
        });
      } catch (e) {
        if (e instanceof StorageUnreachableError) throw e;
        throw new UploadError(`upload of ${key} failed`, { cause: e, retryable: isRetryableError(e) });
      }
    },
    async *list(prefix) {
      const stream = client.listObjectsV2(cfg.bucket, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string; size: number; lastModified: Date }>) {
        if (item.name) yield { key: item.name, size: item.size, lastModified: item.lastModified };
      }
    },
  };
}
