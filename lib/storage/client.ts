// The bucket, through the real `minio` client: existence, stat, uploads (./upload.ts), listing.
// Every request, listing pages included, goes through withRetry (network errors and 5xx, backoff).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type * as Minio from 'minio';
import type { Config, StorageConfig } from '../config/load.ts';
import {
  ConfigError,
  StorageAuthError,
  StorageError,
  StorageUnreachableError,
  UploadError,
  VerificationError,
} from '../errors.ts';
import { SHA256_META } from './metadata.ts';
import { copyObject, statedPartSize, type CopyRequest } from './copy.ts';
import { listQuery, parseListPage, type ListedObject } from './listing.ts';
import { readText, sendSigned } from './signed-request.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';
import { classifyStorageError } from './classify.ts';
import { putBuffer, putFileInParts, putProbe, type PutResult, type UploadTarget, type VerifyMode } from './upload.ts';

export type { PutResult, VerifyMode } from './upload.ts';

export type { ListedObject } from './listing.ts';

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

// The storage a configuration describes, with its retry settings.
export function createStorage(
  config: Pick<Config, 'storage' | 'retries' | 'retryBaseMs'>,
  onRetry?: RetryPolicy['onRetry'],
): Storage {
  return createMinioStorage(config.storage, {
    retry: { retries: config.retries, baseMs: config.retryBaseMs, ...(onRetry ? { onRetry } : {}) },
  });
}

// Keep-alive connections, and a socket that neither sends nor receives for the timeout is cut
// with ETIMEDOUT (the minio client has no timeout of its own: a stalled server would hang a run).
export function createTransport(useSSL: boolean, timeoutMs: number): http.Agent {
  const agent = useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const base = (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection.bind(
    agent,
  );
  (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection = (
    ...args: unknown[]
  ) => {
    const socket = base(...args);
    socket.on('error', () => undefined); // the request using the socket gets the error; an idle one just goes
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(
        Object.assign(new Error(`no answer from the S3 server for ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }),
      ),
    );
    return socket;
  };
  return agent;
}

// The client, created at the first request: importing `minio` costs about 0.3 s and 35 MB, which
// a run that never reaches the bucket (--help, a config error, a held lock) should not pay.
export function lazyMinioClient(cfg: StorageConfig): () => Promise<Minio.Client> {
  let client: Promise<Minio.Client> | undefined;
  return () => (client ??= import('minio').then((m) => createMinioClient(cfg, m.Client)));
}

export function createMinioClient(cfg: StorageConfig, Client: typeof Minio.Client): Minio.Client {
  return new Client({
    transportAgent: createTransport(cfg.useSSL, cfg.requestTimeoutMs),
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

type Classify = Omit<Parameters<typeof classifyStorageError>[1], 'what' | 'where'>;

// What every request of one storage shares.
interface Requests {
  readonly cfg: StorageConfig;
  readonly mc: () => Promise<Minio.Client>;
  readonly where: string;
  // One request, retried while its error says a retry can help.
  request<T>(what: string, fn: () => Promise<T>, o?: Classify): Promise<T>;
}

export function createMinioStorage(cfg: StorageConfig, options: StorageOptions, mc = lazyMinioClient(cfg)): Storage {
  const where = `${cfg.useSSL ? 'https' : 'http'}://${cfg.endPoint}:${cfg.port}`;
  const r: Requests = {
    cfg,
    mc,
    where,
    request: (what, fn, o = {}) =>
      withRetry(
        () => fn().catch((e: unknown) => Promise.reject(classifyStorageError(e, { what, where, ...o }))),
        options.retry,
      ),
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
    // The first request of a run: credentials the server refuses end the run here, before any file.
    bucketExists: () =>
      r.request('bucket check', async () => (await mc()).bucketExists(cfg.bucket), {
        failure: `cannot check bucket ${cfg.bucket} on ${where}`,
        auth: (code, cause) =>
          new StorageAuthError(
            `MINIO_ACCESS_KEY / MINIO_SECRET_KEY: the S3 server ${where} refused them for bucket ${cfg.bucket} (${code}); check the keys and that they may read and write the bucket`,
            { cause },
          ),
      }),
    // The minio client sends no LocationConstraint for us-east-1 (which Ceph RGW would refuse).
    async createBucket() {
      await r
        .request('bucket creation', async () => (await mc()).makeBucket(cfg.bucket, cfg.region))
        .catch((e: unknown) => {
          const code = (e as StorageError).code;
          if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
          throw bucketCreationProblem(code, cfg, where) ?? e;
        });
    },
    stat: (key) => statObject(r, key),
    putBuffer: (key, body, sha256, metadata, contentType) =>
      putBuffer(target, key, body, sha256, uploadHeaders(metadata, contentType)),
    putFileInParts: (key, filePath, size, metadata, contentType, partBuffer) =>
      putFileInParts(
        target,
        key,
        filePath,
        size,
        cfg.partSizeBytes,
        uploadHeaders(metadata, contentType),
        partBuffer,
      ).catch((e: unknown) => {
        throw e instanceof StorageUnreachableError || e instanceof VerificationError
          ? e
          : classifyStorageError(e, { what: `upload of ${key}`, where, as: UploadError });
      }),
    verifyMode,
    copy: (c) =>
      r.request(`copy of ${c.from} to ${c.to}`, async () => copyObject(await mc(), cfg.bucket, cfg.region, c)),
    remove: (key) => r.request(`removal of ${key}`, async () => (await mc()).removeObject(cfg.bucket, key)),
    partSize: async (key) => statedPartSize(await mc(), cfg.bucket, key, cfg.region),
    list: (prefix) => listPages(r, prefix),
  };
}

// Does the server check the signed payload hash? Asked once, at the first upload, with a probe.
function probeOnce(r: Requests): () => Promise<VerifyMode> {
  let mode: Promise<VerifyMode> | undefined;
  return () => {
    mode ??= r.cfg.useSSL
      ? Promise.resolve('etag-md5')
      : r
          .request('payload-hash probe', async () => putProbe(await r.mc(), r.cfg.bucket, r.cfg.region))
          .then(
            (answer) => (answer === 'refused' ? ('payload-hash' as const) : ('etag-md5' as const)),
            (e: unknown) => {
              if (e instanceof StorageUnreachableError || e instanceof StorageAuthError) throw e;
              return 'etag-md5' as const; // could not tell: check every ETag ourselves
            },
          );
    return mode;
  };
}

async function statObject(r: Requests, key: string): Promise<ObjectInfo | null> {
  try {
    const st = await r.request(`stat of ${key}`, async () => (await r.mc()).statObject(r.cfg.bucket, key));
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(st.metaData ?? {})) metadata[k.toLowerCase()] = String(v);
    const sha256 = metadata[SHA256_META];
    const encrypted =
      metadata['x-amz-server-side-encryption'] === 'aws:kms' ||
      'x-amz-server-side-encryption-customer-algorithm' in metadata;
    return {
      key,
      size: st.size,
      etag: st.etag,
      encrypted,
      lastModified: st.lastModified,
      metadata,
      ...(sha256 ? { sha256 } : {}),
    };
  } catch (e) {
    if (e instanceof StorageError && NOT_FOUND.has(e.code ?? '')) return null;
    throw e;
  }
}

// Page by page (1,000 keys each), each page one retried request.
async function* listPages(r: Requests, prefix: string): AsyncIterable<ListedObject> {
  let token: string | undefined;
  do {
    const page = await r.request(`listing of ${prefix || 'the bucket'}`, async () => {
      const res = await sendSigned(await r.mc(), {
        method: 'GET',
        bucketName: r.cfg.bucket,
        query: listQuery(prefix, token),
      });
      return parseListPage(await readText(res));
    });
    yield* page.objects;
    token = page.next;
  } while (token);
}

// What the server's refusal to create the bucket says about the configuration.
function bucketCreationProblem(code: string | undefined, cfg: StorageConfig, where: string): ConfigError | undefined {
  if (code === 'InvalidLocationConstraint' || code === 'IllegalLocationConstraintException') {
    return new ConfigError([
      `MINIO_REGION: the S3 server ${where} refused to create bucket ${cfg.bucket} in region ${JSON.stringify(cfg.region)} (${code}); set MINIO_REGION to the server's region (us-east-1 when unsure) or create the bucket beforehand`,
    ]);
  }
  if (code === 'InvalidBucketName')
    return new ConfigError([
      `MINIO_BUCKET: the S3 server ${where} refused the name ${JSON.stringify(cfg.bucket)} (InvalidBucketName)`,
    ]);
  return undefined;
}

function uploadHeaders(metadata: Record<string, string>, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  for (const [k, v] of Object.entries(metadata)) headers[`X-Amz-Meta-${k}`] = v;
  return headers;
}
