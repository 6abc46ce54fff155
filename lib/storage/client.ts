// The bucket, through the real `minio` client: existence, stat, streamed upload, listing.
// Every request, listing pages included, goes through withRetry (network errors and 5xx, backoff).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { pipeline } from 'node:stream/promises';
import * as Minio from 'minio';
import type { Config, StorageConfig } from '../config/load.ts';
import { ConfigError, StorageAuthError, StorageError, UploadError } from '../errors.ts';
import { HASH_CHUNK_BYTES, HashingPassThrough } from '../sync/hash.ts';
import { SHA256_META } from './metadata.ts';
import { listQuery, parseListPage, type ListedObject } from './listing.ts';
import { classifyStorageError, withRetry, type RetryOptions } from './retry.ts';

export type { ListedObject } from './listing.ts';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly sha256?: string;
  readonly lastModified: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PutResult {
  // SHA-256 and length of the bytes actually sent.
  readonly sha256: string;
  readonly bytes: number;
}

export interface Storage {
  readonly bucket: string;
  // Each throws StorageUnreachableError when the server cannot be reached after retries.
  bucketExists(): Promise<boolean>;
  createBucket(): Promise<void>;
  stat(key: string): Promise<ObjectInfo | null>;
  putFile(key: string, filePath: string | Buffer, size: number, metadata: Record<string, string>, contentType: string): Promise<PutResult>;
  list(prefix: string): AsyncIterable<ListedObject>;
}

export interface StorageOptions {
  readonly retry: RetryOptions;
}

// The storage a configuration describes, with its retry settings.
export function createStorage(config: Pick<Config, 'storage' | 'retries' | 'retryBaseMs'>, onRetry?: RetryOptions['onRetry']): Storage {
  return createMinioStorage(config.storage, { retry: { retries: config.retries, baseMs: config.retryBaseMs, ...(onRetry ? { onRetry } : {}) } });
}

// Keep-alive connections, and a socket that neither sends nor receives for the timeout is cut
// with ETIMEDOUT (the minio client has no timeout of its own: a stalled server would hang a run).
export function createTransport(useSSL: boolean, timeoutMs: number): http.Agent {
  const agent = useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const base = (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection.bind(agent);
  (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection = (...args: unknown[]) => {
    const socket = base(...args);
    socket.on('error', () => undefined); // the request using the socket gets the error; an idle one just goes
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error(`no answer from the S3 server for ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    return socket;
  };
  return agent;
}

export function createMinioClient(cfg: StorageConfig): Minio.Client {
  return new Minio.Client({
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
    // ours (lib/storage/retry.ts) reopens the file for each attempt instead.
    retryOptions: { disableRetry: true },
  });
}

const NOT_FOUND = new Set(['NotFound', 'NoSuchKey']);

export function createMinioStorage(cfg: StorageConfig, options: StorageOptions, client = createMinioClient(cfg)): Storage {
  const where = `${cfg.useSSL ? 'https' : 'http'}://${cfg.endPoint}:${cfg.port}`;
  // One request, retried while its error says a retry can help.
  const request = <T>(what: string, fn: () => Promise<T>, o: Omit<Parameters<typeof classifyStorageError>[1], 'what' | 'where'> = {}): Promise<T> =>
    withRetry(() => fn().catch((e: unknown) => Promise.reject(classifyStorageError(e, { what, where, ...o }))), options.retry);
  return {
    bucket: cfg.bucket,
    // The first request of a run: credentials the server refuses end the run here, before any file.
    bucketExists: () =>
      request('bucket check', () => client.bucketExists(cfg.bucket), {
        failure: `cannot check bucket ${cfg.bucket} on ${where}`,
        auth: (code, cause) =>
          new StorageAuthError(`MINIO_ACCESS_KEY / MINIO_SECRET_KEY: the S3 server ${where} refused them for bucket ${cfg.bucket} (${code}); check the keys and that they may read and write the bucket`, { cause }),
      }),
    // The minio client sends no LocationConstraint for us-east-1 (which Ceph RGW would refuse).
    async createBucket() {
      await request('bucket creation', () => client.makeBucket(cfg.bucket, cfg.region)).catch((e: unknown) => {
        const code = (e as StorageError).code;
        if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
        throw bucketCreationProblem(code, cfg, where) ?? e;
      });
    },
    async stat(key) {
      try {
        const st = await request(`stat of ${key}`, () => client.statObject(cfg.bucket, key));
        const metadata: Record<string, string> = {};
        for (const [k, v] of Object.entries(st.metaData ?? {})) metadata[k.toLowerCase()] = String(v);
        const sha256 = metadata[SHA256_META];
        return { key, size: st.size, lastModified: st.lastModified, metadata, ...(sha256 ? { sha256 } : {}) };
      } catch (e) {
        if (e instanceof StorageError && NOT_FOUND.has(e.code ?? '')) return null;
        throw e;
      }
    },
    putFile: (key, filePath, size, metadata, contentType) =>
      request(`upload of ${key}`, () => streamFile(client, cfg.bucket, key, filePath, size, uploadHeaders(metadata, contentType)), { as: UploadError }),
    // Page by page (1,000 keys each), each page one retried request.
    async *list(prefix) {
      let token: string | undefined;
      do {
        const page = await request(`listing of ${prefix || 'the bucket'}`, async () => {
          const res = await client.makeRequestAsync({ method: 'GET', bucketName: cfg.bucket, query: listQuery(prefix, token) });
          return parseListPage(await readBody(res));
        });
        yield* page.objects;
        token = page.next;
      } while (token);
    },
  };
}

// What the server's refusal to create the bucket says about the configuration.
function bucketCreationProblem(code: string | undefined, cfg: StorageConfig, where: string): ConfigError | undefined {
  if (code === 'InvalidLocationConstraint' || code === 'IllegalLocationConstraintException') {
    return new ConfigError([`MINIO_REGION: the S3 server ${where} refused to create bucket ${cfg.bucket} in region ${JSON.stringify(cfg.region)} (${code}); set MINIO_REGION to the server's region (us-east-1 when unsure) or create the bucket beforehand`]);
  }
  if (code === 'InvalidBucketName') return new ConfigError([`MINIO_BUCKET: the S3 server ${where} refused the name ${JSON.stringify(cfg.bucket)} (InvalidBucketName)`]);
  return undefined;
}

async function readBody(res: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function uploadHeaders(metadata: Record<string, string>, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  for (const [k, v] of Object.entries(metadata)) headers[`X-Amz-Meta-${k}`] = v;
  return headers;
}

// One attempt: the file streamed from disk (reopened each attempt), hashed as it is sent.
async function streamFile(client: Minio.Client, bucket: string, key: string, filePath: string | Buffer, size: number, headers: Record<string, string>): Promise<PutResult> {
  const hasher = new HashingPassThrough();
  const source = fs.createReadStream(filePath, { highWaterMark: HASH_CHUNK_BYTES });
  try {
    await Promise.all([pipeline(source, hasher), client.putObject(bucket, key, hasher, size, headers)]);
  } catch (e) {
    source.destroy();
    hasher.destroy();
    throw e;
  }
  return { sha256: hasher.digest(), bytes: hasher.bytes };
}
