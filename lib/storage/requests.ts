// The requests of one storage, each through the one retry policy with its failure classified:
// stat, listing pages, the bucket's creation, the payload-hash probe.
import type * as Minio from 'minio';
import type { StorageConfig } from '../config/types.ts';
import { ConfigError, StorageAuthError, StorageError, StorageUnreachableError } from '../errors.ts';
import { classifyStorageError } from './classify.ts';
import type { ObjectInfo } from './types.ts';
import { listQuery, parseListPage, type ListedObject } from './listing.ts';
import { SHA256_META } from './metadata.ts';
import { readText, sendSigned } from './signed-request.ts';
import { putProbe, type VerifyMode } from './upload.ts';

const NOT_FOUND = new Set(['NotFound', 'NoSuchKey']);

export type Classify = Omit<Parameters<typeof classifyStorageError>[1], 'what' | 'where'>;

// What every request of one storage shares.
export interface Requests {
  readonly cfg: StorageConfig;
  readonly mc: () => Promise<Minio.Client>;
  readonly where: string;
  // One request, retried while its error says a retry can help.
  request<T>(what: string, fn: () => Promise<T>, o?: Classify): Promise<T>;
}

// Does the server check the signed payload hash? Asked once, at the first upload, with a probe.
export function probeOnce(r: Requests): () => Promise<VerifyMode> {
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

export async function statObject(r: Requests, key: string): Promise<ObjectInfo | null> {
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
export async function* listPages(r: Requests, prefix: string): AsyncIterable<ListedObject> {
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

// The first request of a run: credentials the server refuses end the run here, before any file.
export function checkBucket(r: Requests): Promise<boolean> {
  const { cfg, where } = r;
  return r.request('bucket check', async () => (await r.mc()).bucketExists(cfg.bucket), {
    failure: `cannot check bucket ${cfg.bucket} on ${where}`,
    auth: (code, cause) => {
      const keys = 'MINIO_ACCESS_KEY / MINIO_SECRET_KEY';
      const detail = `check the keys and that they may read and write the bucket`;
      return new StorageAuthError(
        `${keys}: the S3 server ${where} refused them for bucket ${cfg.bucket} (${code}); ${detail}`,
        { cause },
      );
    },
  });
}

// The minio client sends no LocationConstraint for us-east-1 (which Ceph RGW would refuse).
export async function createBucket(r: Requests): Promise<void> {
  const { cfg, where } = r;
  await r
    .request('bucket creation', async () => (await r.mc()).makeBucket(cfg.bucket, cfg.region))
    .catch((e: unknown) => {
      const code = (e as StorageError).code;
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
      throw bucketCreationProblem(code, cfg, where) ?? e;
    });
}

// What the server's refusal to create the bucket says about the configuration.
function bucketCreationProblem(code: string | undefined, cfg: StorageConfig, where: string): ConfigError | undefined {
  if (code === 'InvalidLocationConstraint' || code === 'IllegalLocationConstraintException') {
    return new ConfigError([
      `MINIO_REGION: the S3 server ${where} refused to create bucket ${cfg.bucket} ` +
        `in region ${JSON.stringify(cfg.region)} (${code}); ` +
        "set MINIO_REGION to the server's region (us-east-1 when unsure) or create the bucket beforehand",
    ]);
  }
  if (code === 'InvalidBucketName')
    return new ConfigError([
      `MINIO_BUCKET: the S3 server ${where} refused the name ${JSON.stringify(cfg.bucket)} (InvalidBucketName)`,
    ]);
  return undefined;
}

export function uploadHeaders(metadata: Record<string, string>, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  for (const [k, v] of Object.entries(metadata)) headers[`X-Amz-Meta-${k}`] = v;
  return headers;
}
