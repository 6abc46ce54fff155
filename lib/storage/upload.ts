// Uploads through the minio client's own signed-request path, without a second read or hash:
// a body in memory goes up as one PUT whose x-amz-content-sha256 is the SHA-256 we computed
// anyway; a large file goes up in parts read one after another into one reused buffer, each
// part signed with its own SHA-256. A server that checks the signed payload hash (MinIO, Ceph
// RGW, AWS; probed once) has then verified every byte; for one that does not (s3rver), or over
// https (unsigned payload), each answer's ETag is checked against the MD5 of what was sent.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type * as Minio from 'minio';
import { VerificationError } from '../errors.ts';
import { drain, sendSignedBody } from './signed-request.ts';

export type VerifyMode = 'payload-hash' | 'etag-md5';

export interface UploadTarget {
  readonly client: () => Promise<Minio.Client>;
  readonly bucket: string;
  readonly region: string;
  readonly useSSL: boolean;
  // Runs one request, retried as the storage retries (a part is re-sent from its buffer).
  readonly request: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  readonly verifyMode: () => Promise<VerifyMode>;
}

export interface PutResult {
  // SHA-256 and length of the bytes actually sent.
  readonly sha256: string;
  readonly bytes: number;
  // The object's ETag as the server answered it ('' when it did not: Ceph RGW 16 leaves it empty
  // in a CompleteMultipartUpload answer).
  readonly etag: string;
}

const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const unquote = (etag: string | string[] | undefined) => String(etag ?? '').replace(/^"|"$/g, '');

// One signed PUT of `body` (an object, or a part when `query` names one); returns its ETag.
async function signedPut(
  t: UploadTarget,
  key: string,
  body: Buffer,
  bodySha256: string,
  headers: Record<string, string>,
  query = '',
): Promise<string> {
  const request = {
    method: 'PUT',
    bucketName: t.bucket,
    objectName: key,
    ...(query ? { query } : {}),
    headers: { ...headers, 'content-length': String(body.length) },
  } as const;
  const res = await sendSignedBody(await t.client(), request, body, t.useSSL ? '' : bodySha256, [200], t.region);
  const etag = unquote(res.headers.etag);
  await drain(res);
  if ((await t.verifyMode()) === 'etag-md5' && etag !== md5(body)) {
    // A transfer that damaged the bytes: sending them again can help.
    const part = query ? ` (${query.split('&')[0]})` : '';
    const seen = `ETag ${etag || 'none'}, MD5 sent ${md5(body)}`;
    throw new VerificationError(`the server stored other bytes for ${key}${part} than were sent (${seen})`, {
      retryable: true,
    });
  }
  return etag;
}

// A whole object from memory: one request.
export async function putBuffer(
  t: UploadTarget,
  key: string,
  body: Buffer,
  bodySha256: string,
  headers: Record<string, string>,
): Promise<PutResult> {
  const etag = await t.request(`upload of ${key}`, () => signedPut(t, key, body, bodySha256, headers));
  return { sha256: bodySha256, bytes: body.length, etag };
}

// Fill `buf` from the file at `offset` (short only at the end of the file).
function readPart(fd: number, buf: Buffer, offset: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = fs.readSync(fd, buf, got, buf.length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

// A large file in parts; aborted on failure so no incomplete upload is left to resume.
export async function putFileInParts(
  t: UploadTarget,
  key: string,
  fsPath: string | Buffer,
  size: number,
  partSize: number,
  headers: Record<string, string>,
  partBuffer?: Buffer,
  onPart?: (bytes: number) => void,
): Promise<PutResult> {
  const client = await t.client();
  const uploadId = await t.request(`start of the upload of ${key}`, () =>
    client.initiateNewMultipartUpload(t.bucket, key, headers),
  );
  const whole = crypto.createHash('sha256');
  const length = Math.min(partSize, size);
  const buf = partBuffer && partBuffer.length >= length ? partBuffer.subarray(0, length) : Buffer.allocUnsafe(length);
  const fd = fs.openSync(fsPath, 'r');
  try {
    const etags: Array<{ part: number; etag: string }> = [];
    let sent = 0;
    for (let part = 1; sent < size; part++) {
      const n = readPart(fd, buf, sent);
      if (n === 0)
        throw new VerificationError(`${String(fsPath)} shrank while it was uploading (${sent} of ${size} bytes)`);
      const body = buf.subarray(0, n);
      whole.update(body);
      const query = `partNumber=${part}&uploadId=${encodeURIComponent(uploadId)}`;
      const partSha = sha256(body);
      etags.push({
        part,
        etag: await t.request(`part ${part} of ${key}`, () => signedPut(t, key, body, partSha, {}, query)),
      });
      sent += n;
      onPart?.(n);
    }
    const done = await t.request(`completion of ${key}`, () =>
      client.completeMultipartUpload(t.bucket, key, uploadId, etags),
    );
    return { sha256: whole.digest('hex'), bytes: sent, etag: unquote(done?.etag) };
  } catch (e) {
    await client.abortMultipartUpload(t.bucket, key, uploadId).catch(() => undefined);
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}

// A PUT of a probe object signed with the wrong payload hash: a server that checks the hash
// refuses it (XAmzContentSHA256Mismatch); one that does not stores it (and it is removed).
export async function putProbe(client: Minio.Client, bucket: string, region: string): Promise<'stored' | 'refused'> {
  const key = `.telegram-sync-probe-${crypto.randomBytes(6).toString('hex')}`;
  const body = Buffer.from('telegram-sync payload-hash probe');
  try {
    const request = {
      method: 'PUT',
      bucketName: bucket,
      objectName: key,
      headers: { 'content-length': String(body.length) },
    } as const;
    const res = await sendSignedBody(client, request, body, sha256(Buffer.from('not the body')), [200], region);
    await drain(res);
  } catch (e) {
    if (PAYLOAD_MISMATCH.has((e as { code?: string }).code ?? '')) return 'refused';
    throw e;
  }
  await client.removeObject(bucket, key).catch(() => undefined);
  return 'stored';
}

export const PAYLOAD_MISMATCH = new Set(['XAmzContentSHA256Mismatch', 'BadDigest']);
