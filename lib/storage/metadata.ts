// The object-metadata schema: what every object we upload carries, in one place.
import mime from 'mime-types';

export const SHA256_META = 'sha256';
export const ORIGINAL_NAME_META = 'original-name';
export const SOURCE_MTIME_META = 'source-mtime';

// Metadata values must be US-ASCII: percent-encode (and decode) the original name. Bytes are
// encoded one by one (as encodeURIComponent does with UTF-8), so a name that is not valid UTF-8
// keeps its exact bytes.
const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;
export function encodeMetadataValue(value: string | Buffer): string {
  if (typeof value === 'string') return encodeURIComponent(value);
  let out = '';
  for (const b of value) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeMetadataValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// The x-amz-meta-* values of one uploaded file.
export function objectMetadata(o: {
  sha256: string;
  originalName: string | Buffer;
  mtimeMs: number;
}): Record<string, string> {
  return {
    [SHA256_META]: o.sha256,
    [ORIGINAL_NAME_META]: encodeMetadataValue(o.originalName),
    [SOURCE_MTIME_META]: new Date(o.mtimeMs).toISOString(),
  };
}

// The local name an object was uploaded from, as its metadata recorded it.
export function originalNameOf(metadata: Readonly<Record<string, string>>): string | undefined {
  const v = metadata[ORIGINAL_NAME_META];
  return v === undefined ? undefined : decodeMetadataValue(v);
}

export function contentTypeFor(name: string): string {
  return mime.lookup(name) || 'application/octet-stream';
}
