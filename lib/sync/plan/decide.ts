// The one decision: what to do with a file, from everything known about it. Pure: the transfer
// stage gathers the facts a decision asks for (hash, in-flight upload, bucket) and asks again,
// so every rule lives here and is tested as a table (rclone's NeedTransfer is the model).
import type { CacheEntry } from '../cache/types.ts';
import type { ScannedFile } from '../scan/types.ts';
import { coversKey } from './unchanged.ts';

export interface RemoteFacts {
  readonly size: number;
  readonly sha256?: string;
  readonly etag?: string;
  // SSE-KMS or SSE-C: its ETag is not an MD5 of the bytes.
  readonly encrypted?: boolean;
  // Known from a listing only: no metadata (a HEAD tells the sha256).
  readonly listed?: boolean;
}

// Another object that may already hold the file's bytes: its own object under the key it had
// before (a changed prefix; the old system's key), copied to the new key; or the object of
// another file with the same bytes the old system uploaded instead (recorded as a dedup of it).
export interface SourceFacts {
  readonly key: string;
  readonly role: 'own' | 'holder';
  // Once stat'ed: whether it holds exactly these bytes (sha256 metadata, or a proven ETag).
  readonly proven?: boolean;
  // Its ETag when stat'ed (a copy is made only while the source still has it).
  readonly etag?: string;
}

// What is known about one file. Optional facts are unknown until a decision asks for them.
export interface FileFacts {
  readonly file: ScannedFile;
  // The object key the file maps to now.
  readonly key: string;
  readonly force: boolean;
  // The bucket holds other bytes under the key than the cache recorded: they are replaced.
  readonly replace?: boolean;
  // The cache entry recorded for this path, if any.
  readonly cached?: CacheEntry;
  // The SHA-256 of the file's bytes, once hashed.
  readonly sha256?: string;
  // Once hashed: a cache entry whose object already holds this content (not a dedup pointer).
  readonly contentHolder?: CacheEntry;
  // Once hashed: another upload of the same content in this run. 'running' until it settles;
  // then the key it was uploaded under, or null when it failed.
  readonly inFlight?: 'running' | { readonly uploadedAs: string | null };
  // Once asked: the object under `key` (null: none).
  readonly remote?: RemoteFacts | null;
  // Once asked: the cache entry that put content under `key`.
  readonly keyOwner?: CacheEntry;
  // For an object under `key` of the file's size without our sha256: whether its ETag proves it
  // holds the file's bytes.
  readonly proof?: boolean;
  // Other objects that may hold the bytes, in the order to try them.
  readonly sources?: readonly SourceFacts[];
}

export type NeedFact = 'hash' | 'in-flight' | 'remote' | 'proof' | 'source';

export type Decision =
  // A fact is missing: gather it and decide again.
  | { readonly action: 'need'; readonly fact: NeedFact }
  // Nothing to send: record the file as held by `key` (via says why).
  | { readonly action: 'record'; readonly via: 'rehash' | 'dedup' | 'adopted'; readonly key: string }
  // The object under the key holds the bytes but not our sha256: add it (a copy onto itself), then record.
  | { readonly action: 'claim' }
  // Another object holds the bytes: copy it to the key on the server, then record.
  | { readonly action: 'copy'; readonly from: string; readonly etag: string }
  | { readonly action: 'upload' }
  | { readonly action: 'conflict'; readonly detail: string };

const short = (sha256: string) => `${sha256.slice(0, 12)}…`;

// --force ignores what the cache and the bucket say (every file is sent again), but the same
// bytes are still sent once per run: a copy waits for its original and records a dedup.
export function decideFile(f: FileFacts): Decision {
  const { file, key, cached } = f;
  if (f.sha256 === undefined) return { action: 'need', fact: 'hash' };
  if (!f.force && cached && cached.sha256 === f.sha256 && coversKey(cached, key))
    return { action: 'record', via: 'rehash', key: cached.key };
  if (!f.force && f.contentHolder && f.contentHolder.path !== file.absPath)
    return { action: 'record', via: 'dedup', key: f.contentHolder.key };
  if (f.inFlight === 'running') return { action: 'need', fact: 'in-flight' };
  if (f.inFlight?.uploadedAs) return { action: 'record', via: 'dedup', key: f.inFlight.uploadedAs };
  if (f.force || f.replace) return { action: 'upload' };
  // A listed object of the file's size: its ETag, proven in the read that hashed the file, is
  // enough (a lost cache rebuilt from the listing); otherwise a HEAD tells its sha256.
  if (f.remote?.listed && f.remote.size === file.size && f.proof) return { action: 'record', via: 'adopted', key };
  if (f.remote === undefined || (f.remote?.listed && f.remote.size === file.size))
    return { action: 'need', fact: 'remote' };
  const remote = f.remote;
  if (remote && remote.size === file.size) {
    if (remote.sha256 === f.sha256) return { action: 'record', via: 'adopted', key };
    // An object of the same size without our sha256 (the old system uploaded it): proven by its ETag, claimed.
    if (!remote.sha256 && !remote.encrypted && remote.etag) {
      if (f.proof === undefined) return { action: 'need', fact: 'proof' };
      if (f.proof) return { action: 'claim' };
    }
  }
  const owner = f.keyOwner;
  if (owner && owner.path !== file.absPath && owner.sha256 !== f.sha256) {
    return {
      action: 'conflict',
      detail: `${key} already holds the upload of ${owner.path} (sha256 ${short(owner.sha256)}); not overwriting it`,
    };
  }
  return fromSources(f.sources ?? []);
}

// The bytes may already be in the bucket elsewhere: the first source proven wins; a source not
// yet looked at is looked at; when none holds them, they are sent.
function fromSources(sources: readonly SourceFacts[]): Decision {
  for (const s of sources) {
    if (s.proven === undefined) return { action: 'need', fact: 'source' };
    if (s.proven)
      return s.role === 'own'
        ? { action: 'copy', from: s.key, etag: s.etag ?? '' }
        : { action: 'record', via: 'dedup', key: s.key };
  }
  return { action: 'upload' };
}

// The download daemon names a second download of the same file "<name>-<8 random chars>.<ext>".
const DAEMON_DUPLICATE = /-[A-Za-z0-9]{8}(\.[^./]*)?$/;

// Of several files with the same bytes in one run, the one whose name the bucket keeps (the
// others are recorded as dedups of it): a name without the daemon's duplicate suffix first,
// then the earliest ctime (the first one downloaded), then the shortest path, then path order.
export function pickOriginal<F extends Pick<ScannedFile, 'absPath' | 'relPath' | 'ctimeMs'>>(files: readonly F[]): F {
  const rank = (f: F) => [DAEMON_DUPLICATE.test(f.relPath) ? 1 : 0, f.ctimeMs, f.absPath.length] as const;
  return [...files].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0;
  })[0]!;
}
