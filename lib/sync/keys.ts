// Object keys: how a local path becomes an S3 key.
import type { SourceDir } from '../config/sources.ts';

export const MAX_KEY_BYTES = 1024;

export type KeyResult = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly problem: string };

// prefix + directory segment + relative path; spaces (any white space) and control characters become
// underscores (as the old system did for spaces), Unicode is NFC, and '.'/'..' segments are refused.
export function objectKeyFor(prefix: string, source: Pick<SourceDir, 'keySegment'>, relPath: string): KeyResult {
  const segments = relPath.normalize('NFC').split('/');
  for (const seg of segments) {
    if (seg === '' || seg === '.' || seg === '..') return { ok: false, problem: `path segment ${JSON.stringify(seg)} cannot be part of a key` };
  }
  const body = segments.map((seg) => seg.replace(/[\s\p{Cc}]/gu, '_')).join('/');
  const key = `${prefix}${source.keySegment}${body}`;
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return { ok: false, problem: `key is longer than ${MAX_KEY_BYTES} bytes` };
  return { ok: true, key };
}
