// Bucket listings (ListObjectsV2), read by us: the minio client asks for encoding-type=url and
// then always URL-decodes the keys, so against a server that ignores the request (s3rver) a key
// with '%' throws URIError and a '+' turns into a space. Here a key is decoded only when the
// answer says <EncodingType>url</EncodingType>. A listing is a hint: it says what exists, and
// statObject is what proves it.
import { parseS3Xml, textOf, unquoteEtag, type XmlNode } from './s3-xml.ts';

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly etag: string;
}

export interface ListPage {
  readonly objects: readonly ListedObject[];
  // The continuation token for the next page; undefined on the last one.
  readonly next?: string;
}

// One ListBucketResult page.
export function parseListPage(xml: string): ListPage {
  const result = parseS3Xml(xml).ListBucketResult;
  if (result === undefined || typeof result === 'string' || Array.isArray(result)) {
    throw new Error(`not a ListBucketResult: ${xml.slice(0, 200)}`);
  }
  const urlEncoded = textOf(result, 'EncodingType')?.toLowerCase() === 'url';
  const decodeKey = (k: string) => (urlEncoded ? decodeURIComponent(k.replace(/\+/g, ' ')) : k);
  const contents = ((result as XmlNode).Contents ?? []) as readonly XmlNode[];
  const objects = contents.map((c) => ({
    key: decodeKey(textOf(c, 'Key') ?? ''),
    size: Number(textOf(c, 'Size') ?? 0),
    lastModified: new Date(textOf(c, 'LastModified') ?? 0),
    etag: unquoteEtag(textOf(c, 'ETag')),
  }));
  const truncated = textOf(result, 'IsTruncated') === 'true';
  const next = textOf(result, 'NextContinuationToken');
  return { objects, ...(truncated && next ? { next } : {}) };
}

// RFC 3986 escaping for a query value, as SigV4 wants it.
export const escapeQueryValue = (v: string) =>
  encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// The query of one ListObjectsV2 request, its parameters sorted as SigV4 signs them.
export function listQuery(prefix: string, token: string | undefined, maxKeys = 1000): string {
  const q = [
    'list-type=2',
    'encoding-type=url',
    `max-keys=${maxKeys}`,
    `prefix=${escapeQueryValue(prefix)}`,
    ...(token ? [`continuation-token=${escapeQueryValue(token)}`] : []),
  ];
  return q.sort().join('&');
}
