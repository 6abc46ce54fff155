// Object keys: how a local path becomes an S3 key.
import type { SourceDir } from '../../config/sources.ts';

export const MAX_KEY_BYTES = 1024;
const ASCII = /^[\x00-\x7f]*$/;
// An empty, '.' or '..' segment of a path wrapped in slashes.
const BAD_SEGMENT = /\/(|\.|\.\.)(?=\/)/;

export type KeyResult = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly problem: string };

// prefix + directory segment + relative path; spaces (any white space) and control characters become
// underscores (as the old system did for spaces), Unicode is NFC, and '.'/'..' segments are refused.
export function objectKeyFor(prefix: string, source: Pick<SourceDir, 'keySegment'>, relPath: string): KeyResult {
  const nfc = ASCII.test(relPath) ? relPath : relPath.normalize('NFC'); // ASCII is its own NFC
  const bad = BAD_SEGMENT.exec(`/${nfc}/`);
  if (bad) return { ok: false, problem: `path segment ${JSON.stringify(bad[1])} cannot be part of a key` };
  const key = `${prefix}${source.keySegment}${nfc.replace(/[\s\p{Cc}]/gu, '_')}`;
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
    return { ok: false, problem: `key is longer than ${MAX_KEY_BYTES} bytes` };
  return { ok: true, key };
}
