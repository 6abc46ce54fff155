// Gathering the facts decideFile asks for: what the hash implies (a cache entry holding the
// bytes, an upload of them in flight, other objects that may hold them), what the bucket holds
// under the key, and whether an object without our sha256 holds the bytes (its ETag).
import type { ObjectInfo } from '../../storage/types.ts';
import type { FileFacts, RemoteFacts, SourceFacts } from '../plan/decide.ts';
import type { ListedObjectFacts } from '../bucket/listing-hint.ts';
import { etagCheck, etagForm, etagProvable, matchesEtag, type EtagCheck } from './etag.ts';
import type { InFlight } from './in-flight.ts';
import type { TransferDeps } from './types.ts';

// Other objects that may hold the bytes: the file's own object under the key it was recorded
// with (a changed prefix), then what the old system's cache points at.
function sourcesFor(facts: FileFacts, sha256: string, deps: TransferDeps): SourceFacts[] {
  const { cached, key, file } = facts;
  const own =
    cached && cached.sha256 === sha256 && cached.key !== key && cached.via !== 'dedup'
      ? [{ key: cached.key, role: 'own' as const }]
      : [];
  const legacy = deps.legacy?.sourcesFor(file.relPath, sha256) ?? [];
  const seen = new Set([key]);
  return [...own, ...legacy].filter((s) => !seen.has(s.key) && seen.add(s.key));
}

// The facts that follow from knowing the hash. An original's own claim is not "another upload".
export function withHash(
  facts: FileFacts,
  sha256: string,
  deps: TransferDeps,
  inFlight: InFlight,
  ownClaim = false,
): FileFacts {
  // A holder whose object the bucket does not prove is no holder (its bytes may be gone).
  const found = deps.cache.findContent(sha256);
  const holder = found && (deps.proof?.(found).kind ?? 'proven') === 'proven' ? found : undefined;
  const sources = sourcesFor(facts, sha256, deps);
  return {
    ...facts,
    sha256,
    ...(holder ? { contentHolder: holder } : {}),
    ...(!ownClaim && inFlight.has(sha256) ? { inFlight: 'running' as const } : {}),
    ...(sources.length ? { sources } : {}),
  };
}

const remoteOf = (st: ObjectInfo | null): RemoteFacts | null =>
  st && { size: st.size, etag: st.etag, encrypted: st.encrypted, ...(st.sha256 ? { sha256: st.sha256 } : {}) };

// The object under the key: from the listing when it answers, otherwise (or for a listed object
// of the file's size, whose sha256 the listing does not show) a HEAD, or the HEAD sent ahead.
export async function gatherRemote(
  facts: FileFacts,
  deps: TransferDeps,
  sentAhead?: Promise<ObjectInfo | null>,
): Promise<FileFacts> {
  const hinted = facts.remote === undefined ? deps.hint?.lookup(facts.key) : undefined;
  const remote = hinted !== undefined ? hinted : remoteOf(await (sentAhead ?? deps.storage.stat(facts.key)));
  const owner = deps.cache.ownerOfKey(facts.key);
  return { ...facts, remote, ...(owner ? { keyOwner: owner } : {}) };
}

// Whether `etag` (of the object under `key`) is that of the file's bytes: computed for the
// usual part sizes, then for the one the server states.
async function proves(
  etag: string | undefined,
  key: string,
  facts: FileFacts,
  body: Buffer | undefined,
  deps: TransferDeps,
): Promise<boolean> {
  const source = { ...(body ? { body } : {}), fsPath: facts.file.fsPath, size: facts.file.size };
  if (await matchesEtag(etag, source, undefined, deps.buffers)) return true;
  if (etagForm(etag).kind !== 'multipart') return false;
  const stated = await deps.storage.partSize(key);
  return stated !== undefined && (await matchesEtag(etag, source, stated, deps.buffers));
}

// The listing shows an object of the file's size under its key (a lost cache, a bucket taken
// over): its ETag, checked in the read that takes the file's SHA-256. When it is the file's
// (MD5, or the multipart form for a part size that gives its part count), nothing is asked of
// the server: the listing proves the object. Undefined when there is no such object, or its ETag
// cannot be an MD5 of bytes (SSE-C, SSE-KMS).
export function listedEtagCheck(facts: FileFacts, deps: TransferDeps): EtagCheck | undefined {
  const listed = listedOfFileSize(facts, deps);
  return listed && etagCheck(listed.etag, listed.size);
}

// The object the listing shows under the file's key with the file's size (none when the file is
// to replace whatever is there).
function listedOfFileSize(facts: FileFacts, deps: TransferDeps): ListedObjectFacts | undefined {
  if (facts.force || facts.replace) return undefined;
  const listed = deps.hint?.lookup(facts.key);
  return listed && listed.size === facts.file.size ? listed : undefined;
}

// The facts once the read proved the listed object's ETag.
export function provenByListing(facts: FileFacts, deps: TransferDeps): FileFacts {
  const listed = deps.hint!.lookup(facts.key)!;
  return { ...facts, remote: listed, proof: true };
}

// The HEAD the decision will ask for, sent before the file is read: the listing shows an object
// of the file's size under its key whose ETag the read cannot prove, and whose sha256 only a
// HEAD tells. The server answers while the file is hashed. Undefined when the listing says otherwise.
export function headAhead(facts: FileFacts, deps: TransferDeps): Promise<ObjectInfo | null> | undefined {
  const listed = listedOfFileSize(facts, deps);
  if (!listed || etagProvable(listed.etag, listed.size)) return undefined;
  const head = deps.storage.stat(facts.key);
  head.catch(() => undefined); // awaited when the decision asks; a file that ends before never does
  return head;
}

export async function gatherProof(facts: FileFacts, body: Buffer | undefined, deps: TransferDeps): Promise<FileFacts> {
  return { ...facts, proof: await proves(facts.remote?.etag, facts.key, facts, body, deps) };
}

// The first source not looked at yet: stat'ed, and proven by its sha256 or its ETag.
export async function gatherSource(facts: FileFacts, body: Buffer | undefined, deps: TransferDeps): Promise<FileFacts> {
  const sources = [...(facts.sources ?? [])];
  const i = sources.findIndex((s) => s.proven === undefined);
  const s = sources[i]!;
  const st = await deps.storage.stat(s.key);
  const proven =
    !!st &&
    st.size === facts.file.size &&
    (st.sha256 ? st.sha256 === facts.sha256 : !st.encrypted && (await proves(st.etag, s.key, facts, body, deps)));
  sources[i] = { ...s, proven, ...(st ? { etag: st.etag } : {}) };
  return { ...facts, sources };
}

export async function gatherInFlight(facts: FileFacts, inFlight: InFlight): Promise<FileFacts> {
  return { ...facts, inFlight: { uploadedAs: await inFlight.wait(facts.sha256!) } };
}
