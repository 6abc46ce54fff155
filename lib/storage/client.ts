// The bucket, through the real `minio` client: existence, stat, uploads (./upload.ts), copies
// (./copy.ts), listing. Every request, listing pages included, goes through the one retry policy
// (network errors and 5xx, backoff), its failure classified (./classify.ts).
import type { Config, StorageConfig } from '../config/types.ts';
import { StorageUnreachableError, UploadError, VerificationError } from '../errors.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';
import { classifyStorageError } from './classify.ts';
import { copyObject, statedPartSize } from './copy.ts';
import {
  checkBucket,
  createBucket,
  listPages,
  probeOnce,
  statObject,
  uploadHeaders,
  type Requests,
} from './requests.ts';
import { lazyMinioClient } from './transport.ts';
import type { Storage, StorageOptions } from './types.ts';
import { putBuffer, putFileInParts, type UploadTarget } from './upload.ts';

// The bucket a configuration writes to, as one string: what the hash cache says it describes.
export function destinationOf(cfg: Pick<StorageConfig, 'useSSL' | 'endPoint' | 'port' | 'bucket'>): string {
  return `${cfg.useSSL ? 'https' : 'http'}://${cfg.endPoint}:${cfg.port}/${cfg.bucket}`;
}

// Where a run writes, as its record names it (the status page shows it): the bucket and the prefix.
export function placeOfRun(cfg: Pick<StorageConfig, 'useSSL' | 'endPoint' | 'port' | 'bucket' | 'prefix'>): string {
  return destinationOf(cfg) + (cfg.prefix ? `/${cfg.prefix.replace(/\/$/, '')}` : '');
}

// The storage a configuration describes, with its retry settings.
export function createStorage(
  config: Pick<Config, 'storage' | 'retries' | 'retryBaseMs'>,
  onRetry?: RetryPolicy['onRetry'],
): Storage {
  return createMinioStorage(config.storage, {
    retry: { retries: config.retries, baseMs: config.retryBaseMs, ...(onRetry ? { onRetry } : {}) },
  });
}

export function createMinioStorage(cfg: StorageConfig, options: StorageOptions, mc = lazyMinioClient(cfg)): Storage {
  const where = `${cfg.useSSL ? 'https' : 'http'}://${cfg.endPoint}:${cfg.port}`;
  const r: Requests = {
    cfg,
    mc,
    where,
    request: (what, fn, o = {}) => {
      const classified = () =>
        fn().catch((e: unknown) => Promise.reject(classifyStorageError(e, { what, where, ...o })));
      return withRetry(classified, options.retry);
    },
  };
  const verifyMode = probeOnce(r);
  const target: UploadTarget = {
    client: mc,
    bucket: cfg.bucket,
    region: cfg.region,
    useSSL: cfg.useSSL,
    request: (what, fn) => r.request(what, fn, { as: UploadError }),
    verifyMode,
  };
  return {
    bucket: cfg.bucket,
    bucketExists: () => checkBucket(r),
    createBucket: () => createBucket(r),
    stat: (key) => statObject(r, key),
    putBuffer: (key, body, sha256, metadata, contentType) =>
      putBuffer(target, key, body, sha256, uploadHeaders(metadata, contentType)),
    putFileInParts: (key, filePath, size, metadata, contentType, partBuffer, onPart) => {
      const headers = uploadHeaders(metadata, contentType);
      const put = putFileInParts(target, key, filePath, size, cfg.partSizeBytes, headers, partBuffer, onPart);
      return put.catch((e: unknown) => Promise.reject(uploadFailure(e, key, where)));
    },
    verifyMode,
    copy: (c) =>
      r.request(`copy of ${c.from} to ${c.to}`, async () => copyObject(await mc(), cfg.bucket, cfg.region, c)),
    remove: (key) => r.request(`removal of ${key}`, async () => (await mc()).removeObject(cfg.bucket, key)),
    partSize: async (key) => statedPartSize(await mc(), cfg.bucket, key, cfg.region),
    list: (prefix) => listPages(r, prefix),
  };
}

// A multipart upload's parts are retried one by one; what is left over is classified here.
function uploadFailure(e: unknown, key: string, where: string): unknown {
  if (e instanceof StorageUnreachableError || e instanceof VerificationError) return e;
  return classifyStorageError(e, { what: `upload of ${key}`, where, as: UploadError });
}
