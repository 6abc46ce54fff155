// Bucket listings (ListObjectsV2), read by us: the minio client asks for encoding-type=url and
// then always URL-decodes the keys, so against a server that ignores the request (s3rver) a key
// with '%' throws URIError and a '+' turns into a space. Here a key is decoded only when the
// answer says <EncodingType>url</EncodingType>. A listing is a hint: it says what exists, and
// statObject is what proves it.

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

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

const tag = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? decodeXmlText(m[1]!) : undefined;
};

// One ListBucketResult page.
export function parseListPage(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) throw new Error(`not a ListBucketResult: ${xml.slice(0, 200)}`);
  const urlEncoded = tag(xml, 'EncodingType')?.toLowerCase() === 'url';
  const decodeKey = (k: string) => (urlEncoded ? decodeURIComponent(k.replace(/\+/g, ' ')) : k);
  const objects: ListedObject[] = [];
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const c = m[1]!;
    objects.push({
      key: decodeKey(tag(c, 'Key') ?? ''),
      size: Number(tag(c, 'Size') ?? 0),
      lastModified: new Date(tag(c, 'LastModified') ?? 0),
      etag: (tag(c, 'ETag') ?? '').replace(/^"|"$/g, ''),
    });
  }
  const truncated = tag(xml, 'IsTruncated') === 'true';
  const next = tag(xml, 'NextContinuationToken');
  return { objects, ...(truncated && next ? { next } : {}) };
}

// RFC 3986 escaping for a query value, as SigV4 wants it.
export const escapeQueryValue = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// The query of one ListObjectsV2 request, its parameters sorted as SigV4 signs them.
export function listQuery(prefix: string, token: string | undefined, maxKeys = 1000): string {
  const q = ['list-type=2', 'encoding-type=url', `max-keys=${maxKeys}`, `prefix=${escapeQueryValue(prefix)}`, ...(token ? [`continuation-token=${escapeQueryValue(token)}`] : [])];
  return q.sort().join('&');
}
