// Server-side copies: an object copied onto itself with its metadata replaced (to add our
// sha256 to an object the old system uploaded), or to a new key (when a file's key changes).
// No object bytes cross the network. The copy is conditional on the ETag that was proven, so an
// object replaced meanwhile is not copied: x-amz-copy-source-if-match is the S3 header, and Ceph
// RGW before Reef reads x-amz-copy-if-match instead (both are sent). s3rver honours neither,
// which is why the caller also checks the copy's ETag afterwards.
import type * as Minio from 'minio';
import { parseS3Xml, textOf, unquoteEtag } from './s3-xml.ts';
import { readText, sendSigned } from './signed-request.ts';

export interface CopyRequest {
  readonly from: string;
  readonly to: string;
  // The source must still have this ETag.
  readonly ifMatch: string;
  // Replace the metadata (and content type) with these; without, the source's is kept.
  readonly metadata?: Record<string, string>;
  readonly contentType?: string;
}

// A key as it appears in x-amz-copy-source: each segment URL-encoded, '/' kept.
export function copySourceOf(bucket: string, key: string): string {
  return `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

const quoted = (etag: string) => `"${etag.replace(/^"|"$/g, '')}"`;

// Copy; resolves with the new object's ETag (as the server answers it, quotes removed).
export async function copyObject(
  client: Minio.Client,
  bucket: string,
  region: string,
  c: CopyRequest,
): Promise<string> {
  const headers: Record<string, string> = {
    'x-amz-copy-source': copySourceOf(bucket, c.from),
    'x-amz-copy-source-if-match': quoted(c.ifMatch),
    'x-amz-copy-if-match': quoted(c.ifMatch),
    'x-amz-metadata-directive': c.metadata ? 'REPLACE' : 'COPY',
  };
  if (c.contentType) headers['content-type'] = c.contentType;
  for (const [k, v] of Object.entries(c.metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
  const res = await sendSigned(client, { method: 'PUT', bucketName: bucket, objectName: c.to, headers }, [200], region);
  // A copy can fail after a 200 with an <Error> body.
  const answer = parseS3Xml(await readText(res));
  const code = textOf(answer.Error, 'Code');
  if (code) throw Object.assign(new Error(`copy of ${c.from} to ${c.to} failed: ${code}`), { code });
  return unquoteEtag(textOf(answer.CopyObjectResult, 'ETag'));
}

// The size of part 1 as the server states it (HEAD ?partNumber=1), when it does: a server that
// supports it answers with x-amz-mp-parts-count; one that ignores the query (RGW 16, s3rver)
// answers with the whole object, which says nothing about the parts.
export async function statedPartSize(
  client: Minio.Client,
  bucket: string,
  key: string,
  region: string,
): Promise<number | undefined> {
  try {
    const head = { method: 'HEAD', bucketName: bucket, objectName: key, query: 'partNumber=1' } as const;
    const res = await sendSigned(client, head, [200, 206], region);
    res.resume();
    const size = Number(res.headers['content-length']);
    return res.headers['x-amz-mp-parts-count'] !== undefined && size > 0 ? size : undefined;
  } catch {
    return undefined;
  }
}
