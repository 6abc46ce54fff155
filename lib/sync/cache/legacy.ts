// The old system's hash cache (sync_telegram_files' file_hashes.json), read as a hint for taking
// over its bucket: a JSON object mapping each file's path (inside the Django container, e.g.
// /usr/share/Telegram-Files/<rel>) to the SHA-256 of its bytes. The old command uploaded a file
// under <rel> with spaces turned into underscores, and did not upload a file whose hash it had
// seen before. A hint is never trusted over the bucket: every object it points at is stat'ed and
// its content proven (sha256 metadata or ETag) before anything is recorded.
import fs from 'node:fs';
import { ConfigError } from '../../errors.ts';
import type { Logger } from '../../log/logger.ts';

export interface LegacySource {
  // The key the old system would have used.
  readonly key: string;
  // 'own': this file's own old object (copied to the new key); 'holder': the object of another
  // file with the same bytes (the old system skipped this one: recorded as a dedup of it).
  readonly role: 'own' | 'holder';
}

export interface LegacyHints {
  readonly entries: number;
  // Old objects that may hold this file's bytes, best first.
  sourcesFor(relPath: string, sha256: string): LegacySource[];
}

const HEX64 = /^[0-9a-f]{64}$/i;
const oldKey = (rel: string) => rel.replace(/ /g, '_');

export function parseLegacyCache(text: string, origin: string): Map<string, string> {
  const expected =
    'the cache of the old sync_telegram_files command: a JSON object mapping file paths to SHA-256 hex strings';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${origin}: expected ${expected}; it is not JSON (${(e as Error).message})`]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError([
      `${origin}: expected ${expected}; got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`,
    ]);
  const map = new Map<string, string>();
  const bad: string[] = [];
  for (const [p, h] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof h === 'string' && HEX64.test(h) && p.startsWith('/')) map.set(p, h.toLowerCase());
    else if (bad.length < 3) bad.push(`${JSON.stringify(p)}: ${JSON.stringify(h)}`);
  }
  if (bad.length && map.size === 0)
    throw new ConfigError([`${origin}: expected ${expected}; no entry has that form (e.g. ${bad.join(', ')})`]);
  return map;
}

export function loadLegacyCache(file: string, origin: string): LegacyHints {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([
      `${origin}: expected a readable file, got ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code})`,
    ]);
  }
  return legacyHints(parseLegacyCache(text, origin));
}

export function legacyHints(byPath: ReadonlyMap<string, string>): LegacyHints {
  const bySha = new Map<string, string[]>();
  // By base name, so finding a file's old path is not a walk over every entry.
  const byBase = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const [p, h] of byPath) {
    push(bySha, h, p);
    push(byBase, p.slice(p.lastIndexOf('/') + 1), p);
  }
  return {
    entries: byPath.size,
    sourcesFor(relPath, sha256) {
      // This file as the old system saw it: a path that ends with its relative path.
      const own = byBase.get(relPath.slice(relPath.lastIndexOf('/') + 1))?.find((p) => p.endsWith(`/${relPath}`));
      if (!own) return [];
      const root = own.slice(0, own.length - relPath.length);
      const out: LegacySource[] = byPath.get(own) === sha256 ? [{ key: oldKey(relPath), role: 'own' }] : [];
      for (const other of bySha.get(sha256) ?? []) {
        if (other !== own && other.startsWith(root))
          out.push({ key: oldKey(other.slice(root.length)), role: 'holder' });
      }
      return out;
    },
  };
}

// The old system's cache a run uses, when one is named (--import-legacy-cache over
// SYNC_LEGACY_CACHE): read, and its format checked, before anything else happens.
export function legacyHintsFor(
  flagFile: string | undefined,
  configFile: string | undefined,
  log: Logger,
): LegacyHints | undefined {
  const file = flagFile ?? configFile;
  if (!file) return undefined;
  const hints = loadLegacyCache(file, flagFile ? '--import-legacy-cache' : 'SYNC_LEGACY_CACHE');
  log.write({ kind: 'legacy.loaded', file, entries: hints.entries });
  return hints;
}
