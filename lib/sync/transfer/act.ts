// What a decision does to the bucket: send the bytes (an upload), add our sha256 to an object
// that already holds them (a copy onto itself), or copy another object holding them to the key.
// Every action passes the dry-run gate, and nothing is recorded before the bucket is checked.
import { describeError, StorageError, StorageUnreachableError, VerificationError } from '../../errors.ts';
import { contentTypeFor, objectMetadata } from '../../storage/metadata.ts';
import { etagForm, matchesEtag } from './etag.ts';
import type { TransferItem } from '../plan/types.ts';
import type { ScannedFile } from '../scan/types.ts';
import type { TransferDeps, TransferOutcome } from './types.ts';

const short = (sha256: string) => `${sha256.slice(0, 12)}…`;

// The name the file had on disk, as bytes (the key segment of its download directory first).
function originalNameBytes(file: ScannedFile): Buffer {
  return Buffer.concat([Buffer.from(file.source.keySegment), file.rawRelPath ?? Buffer.from(file.relPath)]);
}

const metadataFor = (file: ScannedFile, sha256: string) =>
  objectMetadata({ sha256, originalName: originalNameBytes(file), mtimeMs: file.mtimeMs });

// Upload through the gate (the server, or the ETag check, verifies the bytes as they arrive),
// prove what was sent is what was hashed, and only then record it.
export async function uploadFile(
  item: TransferItem,
  sha256: string,
  body: Buffer | undefined,
  deps: TransferDeps,
): Promise<TransferOutcome> {
  const { file, key } = item;
  const metadata = metadataFor(file, sha256);
  const put = await deps.gate.run('upload', { path: file.absPath, key, bytes: file.size }, () =>
    send(item, sha256, body, metadata, deps),
  );
  if (!put) return { status: 'would-upload', item, sha256 };
  if (put.bytes !== file.size || put.sha256 !== sha256) {
    const sent = `sent ${put.bytes} bytes, sha256 ${short(put.sha256)}`;
    const expected = `expected ${file.size} bytes, ${short(sha256)}`;
    throw new VerificationError(`${file.absPath} changed while it was uploading (${sent}; ${expected})`);
  }
  // RGW leaves a multipart upload's ETag out of its answer: the object says it.
  const etag = put.etag || ((await deps.storage.stat(key))?.etag ?? '');
  await deps.recorder.record(file, sha256, key, 'upload', etag);
  return { status: 'uploaded', item, sha256, bytes: file.size };
}

// The bytes go up from memory (one request) or in parts through one buffer. Memory is taken
// before an upload slot, never while holding one.
async function send(
  item: TransferItem,
  sha256: string,
  body: Buffer | undefined,
  metadata: Record<string, string>,
  deps: TransferDeps,
) {
  const { file, key } = item;
  const slot = deps.uploadSlot ?? ((f) => f());
  const type = contentTypeFor(file.relPath);
  // A copy's original was hashed ahead without keeping its bytes: a small one is read again here.
  const small = body ? { body, sha256 } : file.size <= deps.inMemoryMaxBytes ? await deps.read(file) : undefined;
  if (small?.body) {
    try {
      return await slot(() => deps.storage.putBuffer(key, small.body!, small.sha256, metadata, type));
    } finally {
      if ('release' in small) small.release?.();
    }
  }
  const part = await deps.buffers?.take(Math.min(deps.inMemoryMaxBytes, file.size));
  try {
    const onPart = deps.onBytes && ((n: number) => deps.onBytes!(item, n));
    return await slot(() => deps.storage.putFileInParts(key, file.fsPath, file.size, metadata, type, part, onPart));
  } finally {
    if (part) deps.buffers?.give(part);
  }
}

// After a server-side copy: the object under the key has the file's size, our sha256, and the
// ETag that was proven (servers keep it on a copy), or a plain MD5 that is the file's (a server
// that gives a copy a fresh ETag). A server that ignored the copy condition may have copied
// bytes that changed after the proof: then our sha256 is taken off the object again (so nothing
// trusts it) and the file fails, to be looked at afresh next run.
// Returns the ETag the object has now.
async function verifyCopy(item: TransferItem, sha256: string, provenEtag: string, deps: TransferDeps): Promise<string> {
  const { file, key } = item;
  const st = await deps.storage.stat(key);
  if (!st || st.size !== file.size || st.sha256 !== sha256) {
    const has = st ? `${st.size} bytes, sha256 ${st.sha256 ?? 'none'}` : 'no object';
    const expected = `expected ${file.size} bytes, sha256 ${short(sha256)}`;
    throw new VerificationError(`after the copy, ${key} has ${has}; ${expected}`);
  }
  const same = (e: string) => e.replace(/"/g, '').toLowerCase();
  const etag = same(st.etag);
  if (etag === same(provenEtag)) return etag;
  if (etagForm(st.etag).kind === 'md5' && (await matchesEtag(st.etag, { fsPath: file.fsPath, size: file.size })))
    return etag;
  await deps.storage
    .copy({ from: key, to: key, ifMatch: st.etag, metadata: {}, contentType: contentTypeFor(file.relPath) })
    .catch(() => undefined);
  throw new VerificationError(
    `after the copy, ${key} has ETag ${st.etag}, not the ${provenEtag} its bytes were proven by: ` +
      'the object changed meanwhile; our sha256 was taken off it, and the next run looks again',
  );
}

// A server-side copy of `from` onto the file's key with our metadata, through the gate. A copy the
// server refuses for a reason other than the network (NoSuchKey on a copy source it decodes
// wrongly, NotImplemented, AccessDenied on copies) is 'refused': the caller sends the bytes
// instead, so the file converges rather than failing on every run.
async function copyWithOurMetadata(
  item: TransferItem,
  sha256: string,
  c: { readonly from: string; readonly etag: string; readonly what: string },
  deps: TransferDeps,
): Promise<'copied' | 'dry-run' | 'refused'> {
  const { file, key } = item;
  const request = {
    from: c.from,
    to: key,
    ifMatch: c.etag,
    metadata: metadataFor(file, sha256),
    contentType: contentTypeFor(file.relPath),
  };
  try {
    const done = await deps.gate.run(c.what, { path: file.absPath, from: c.from, key }, () =>
      deps.storage.copy(request).then(() => true),
    );
    return done ? 'copied' : 'dry-run';
  } catch (e) {
    if (!refusedCopy(e)) throw e;
    deps.log.write({ kind: 'upload.copy-refused', path: file.absPath, key, from: c.from, error: describeError(e) });
    return 'refused';
  }
}

// The server refused the copy itself (not the network, not a check of ours). PreconditionFailed is
// not such a refusal: the object changed since it was proven, and the next run looks again.
function refusedCopy(e: unknown): boolean {
  if (!(e instanceof StorageError) || e instanceof StorageUnreachableError || e instanceof VerificationError)
    return false;
  return e.code !== 'PreconditionFailed' && e.code !== undefined;
}

// An object proven to hold the bytes but without our sha256 (the old system's): the metadata
// is added by copying it onto itself, checked, and only then is the file recorded as adopted.
export async function claimObject(
  item: TransferItem,
  sha256: string,
  etag: string,
  deps: TransferDeps,
): Promise<TransferOutcome> {
  const what = 'add our metadata (a copy onto itself)';
  const copy = await copyWithOurMetadata(item, sha256, { from: item.key, etag, what }, deps);
  if (copy === 'refused') return uploadFile(item, sha256, undefined, deps);
  if (copy === 'dry-run') return { status: 'would-claim', item, sha256 };
  const now = await verifyCopy(item, sha256, etag, deps);
  await deps.recorder.record(item.file, sha256, item.key, 'adopted', now);
  return { status: 'claimed', item, sha256 };
}

// The bytes are already in the bucket under another key: copied there on the server, checked,
// recorded; with --prune-old-keys the old key is removed then, unless a dedup still points at it.
export async function copyFromSource(
  item: TransferItem,
  sha256: string,
  from: string,
  etag: string,
  deps: TransferDeps,
): Promise<TransferOutcome> {
  const copy = await copyWithOurMetadata(item, sha256, { from, etag, what: 'copy on the server' }, deps);
  if (copy === 'refused') return uploadFile(item, sha256, undefined, deps);
  if (copy === 'dry-run') return { status: 'would-copy', item, sha256, from };
  const now = await verifyCopy(item, sha256, etag, deps);
  await deps.recorder.record(item.file, sha256, item.key, 'copied', now);
  const pruned = deps.pruneOldKeys === true && !deps.cache.ownerOfKey(from) && !deps.cache.isReferenced(from);
  if (pruned) await deps.gate.run('remove the old key', { key: from }, () => deps.storage.remove(from));
  return { status: 'copied', item, sha256, from, pruned };
}
