// Stage 3, transfer: the I/O for each file that needs more than `stat`: gather the facts
// decideFile asks for (hash, an upload of the same content in flight, the bucket), then do what
// it decides: upload and verify, or record. Each success is handed to the recorder (stage 4)
// before the file counts as done. Bounded concurrency; a file that fails is reported and left
// for the next run; an unreachable server stops the stage.
import { describeError, StorageUnreachableError, VerificationError } from '../errors.ts';
import type { Gate } from '../gate.ts';
import type { LogEntry, Logger } from '../log/logger.ts';
import type { Storage } from '../storage/client.ts';
import { contentTypeFor, objectMetadata } from '../storage/metadata.ts';
import type { CacheView } from './cache.ts';
import { decideFile, type FileFacts, type NeedFact } from './decide.ts';
import type { TransferItem } from './plan.ts';
import type { ContentReader } from './hash.ts';
import type { ListingHint } from './listing-hint.ts';
import { forEachConcurrent } from './pool.ts';
import { findTwins, type EarlyHash } from './twins.ts';
import type { Recorder } from './record.ts';
import type { ScannedFile } from './scan.ts';

export type TransferOutcome =
  | { readonly status: 'uploaded'; readonly item: TransferItem; readonly sha256: string; readonly bytes: number }
  | { readonly status: 'would-upload'; readonly item: TransferItem; readonly sha256: string }
  | { readonly status: 'deduplicated'; readonly item: TransferItem; readonly sha256: string; readonly sameAs: string }
  | { readonly status: 'adopted'; readonly item: TransferItem; readonly sha256: string }
  | { readonly status: 'unchanged'; readonly item: TransferItem; readonly sha256: string }
  | { readonly status: 'conflict'; readonly item: TransferItem; readonly detail: string }
  | { readonly status: 'failed'; readonly item: TransferItem; readonly error: string }
  | { readonly status: 'not-attempted'; readonly item: TransferItem };

export interface TransferDeps {
  readonly storage: Storage;
  readonly cache: CacheView;
  readonly recorder: Recorder;
  readonly read: ContentReader;
  // Files up to this size are held in memory by `read` and sent as one request.
  readonly inMemoryMaxBytes: number;
  // What a listing said the bucket holds (for many new files), instead of a HEAD each.
  readonly hint?: ListingHint;
  readonly gate: Gate;
  readonly log: Logger;
  readonly force: boolean;
  readonly concurrency: number;
  readonly onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface TransferResult {
  readonly outcomes: TransferOutcome[];
  // Set when the server became unreachable and the remaining files were not attempted.
  readonly unreachable?: StorageUnreachableError;
}

// Uploads of content in flight in this run, by SHA-256: a second file with the same bytes waits
// for the first and records a dedup instead of sending them again.
class InFlightUploads {
  private readonly running = new Map<string, Promise<string | null>>();
  has(sha256: string): boolean {
    return this.running.has(sha256);
  }
  wait(sha256: string): Promise<string | null> {
    return this.running.get(sha256) ?? Promise.resolve(null);
  }
  // Announce an upload; settle it with the key the content ended up under, or null.
  claim(sha256: string): (key: string | null) => void {
    let settle!: (key: string | null) => void;
    this.running.set(sha256, new Promise((resolve) => (settle = resolve)));
    return (key) => settle(key);
  }
}

export async function transferFiles(items: readonly TransferItem[], deps: TransferDeps): Promise<TransferResult> {
  const outcomes: TransferOutcome[] = new Array(items.length);
  const twins = await findTwins(items, deps.read, deps.concurrency);
  const inFlight = new InFlightUploads();
  // Originals announce their upload before anything starts, so their copies wait for them.
  const claims = new Map([...twins.originals].map(([item, sha256]) => [item, inFlight.claim(sha256)]));
  let unreachable: StorageUnreachableError | undefined;
  const done = { files: 0, bytes: 0 };
  await forEachConcurrent(
    items,
    deps.concurrency,
    async (item, i) => {
      const start: Start = { early: twins.hashes.get(item), claim: claims.get(item) };
      const outcome = await transferOne(item, deps, inFlight, start).catch((e: unknown): TransferOutcome => {
        if (!(e instanceof StorageUnreachableError)) return { status: 'failed', item, error: describeError(e) };
        unreachable ??= e;
        return { status: 'not-attempted', item };
      });
      outcomes[i] = outcome;
      const entry = logEntryFor(outcome);
      if (entry) deps.log.write(entry);
      done.files++;
      if (outcome.status === 'uploaded') done.bytes += outcome.bytes;
      deps.onProgress?.({ ...done });
    },
    () => unreachable !== undefined,
  );
  for (const settle of claims.values()) settle(null); // originals never reached: their copies go on alone
  for (let i = 0; i < items.length; i++) outcomes[i] ??= { status: 'not-attempted', item: items[i]! };
  return { outcomes, ...(unreachable ? { unreachable } : {}) };
}

// What is known before a file's turn: its hash if it was taken ahead, its claim if it is an original.
interface Start {
  readonly early: EarlyHash | undefined;
  readonly claim: ((key: string | null) => void) | undefined;
}

// Ask decideFile, gather what it needs, ask again, until it decides. The content's claim is
// settled with the key that holds it afterwards (also in a dry run, so a copy there is reported
// as the dedup it would be), or null.
async function transferOne(item: TransferItem, deps: TransferDeps, inFlight: InFlightUploads, start: Start): Promise<TransferOutcome> {
  if (start.early && 'error' in start.early) throw new Error(start.early.error);
  let facts: FileFacts = { file: item.file, key: item.key, force: deps.force, ...(item.cached ? { cached: item.cached } : {}) };
  if (start.early) facts = withHash(facts, start.early.sha256, deps, inFlight, start.claim !== undefined);
  let body: Buffer | undefined; // the bytes read for the hash, sent as they are
  let settle = start.claim;
  try {
    for (;;) {
      const d = decideFile(facts);
      if (d.action === 'need') {
        if (d.fact === 'remote') settle ??= inFlight.claim(facts.sha256!);
        if (d.fact === 'hash') {
          const content = await deps.read(item.file);
          body = content.body;
          facts = withHash(facts, content.sha256, deps, inFlight);
        } else facts = await gather(d.fact, facts, deps, inFlight);
        continue;
      }
      const sha256 = facts.sha256!;
      if (d.action === 'skip') return { status: 'unchanged', item, sha256: item.cached!.sha256 };
      if (d.action === 'conflict') return { status: 'conflict', item, detail: d.detail };
      if (d.action === 'upload') {
        settle ??= inFlight.claim(sha256);
        const outcome = await uploadFile(item, sha256, body, deps);
        settle(outcome.status === 'uploaded' || outcome.status === 'would-upload' ? item.key : null);
        return outcome;
      }
      await deps.recorder.record(item.file, sha256, d.key, d.via);
      settle?.(d.key);
      if (d.via === 'rehash') return { status: 'unchanged', item, sha256 };
      return d.via === 'dedup' ? { status: 'deduplicated', item, sha256, sameAs: d.key } : { status: 'adopted', item, sha256 };
    }
  } finally {
    settle?.(null); // a no-op once settled; frees waiters if this file failed
  }
}

// The facts that follow from knowing the hash. An original's own claim is not "another upload".
function withHash(facts: FileFacts, sha256: string, deps: TransferDeps, inFlight: InFlightUploads, ownClaim = false): FileFacts {
  const holder = deps.cache.findContent(sha256);
  return { ...facts, sha256, ...(holder ? { contentHolder: holder } : {}), ...(!ownClaim && inFlight.has(sha256) ? { inFlight: 'running' as const } : {}) };
}

async function gather(fact: Exclude<NeedFact, 'hash'>, facts: FileFacts, deps: TransferDeps, inFlight: InFlightUploads): Promise<FileFacts> {
  switch (fact) {
    case 'in-flight':
      return { ...facts, inFlight: { uploadedAs: await inFlight.wait(facts.sha256!) } };
    case 'remote': {
      // A listing answers for most keys; a listed object of the file's size is stat'ed for its sha256.
      const hinted = facts.remote === undefined ? deps.hint?.lookup(facts.key) : undefined;
      const remote = hinted !== undefined ? hinted : await deps.storage.stat(facts.key);
      const owner = deps.cache.ownerOfKey(facts.key);
      return { ...facts, remote, ...(owner ? { keyOwner: owner } : {}) };
    }
  }
}

// Upload through the gate (the server, or the ETag check, verifies the bytes as they arrive),
// prove what was sent is what was hashed, and only then record it.
async function uploadFile(item: TransferItem, sha256: string, body: Buffer | undefined, deps: TransferDeps): Promise<TransferOutcome> {
  const { file, key } = item;
  const metadata = objectMetadata({ sha256, originalName: originalNameBytes(file), mtimeMs: file.mtimeMs });
  const put = await deps.gate.run('upload', { path: file.absPath, key, bytes: file.size }, async () => {
    // A copy's original was hashed ahead without keeping its bytes: a small one is read again here.
    const small = body ? { body, sha256 } : file.size <= deps.inMemoryMaxBytes ? await deps.read(file) : undefined;
    return small?.body
      ? deps.storage.putBuffer(key, small.body, small.sha256, metadata, contentTypeFor(file.relPath))
      : deps.storage.putFileInParts(key, file.fsPath, file.size, metadata, contentTypeFor(file.relPath));
  });
  if (!put) return { status: 'would-upload', item, sha256 };
  if (put.bytes !== file.size || put.sha256 !== sha256) {
    throw new VerificationError(`${file.absPath} changed while it was uploading (sent ${put.bytes} bytes, sha256 ${put.sha256.slice(0, 12)}…; expected ${file.size} bytes, ${sha256.slice(0, 12)}…)`);
  }
  await deps.recorder.record(file, sha256, key, 'upload');
  return { status: 'uploaded', item, sha256, bytes: file.size };
}

// The name the file had on disk, as bytes (the key segment of its download directory first).
function originalNameBytes(file: ScannedFile): Buffer {
  return Buffer.concat([Buffer.from(file.source.keySegment), file.rawRelPath ?? Buffer.from(file.relPath)]);
}

function logEntryFor(o: TransferOutcome): LogEntry | undefined {
  const base = { path: o.item.file.absPath, key: o.item.key };
  switch (o.status) {
    case 'uploaded':
      return { kind: 'upload.done', ...base, bytes: o.bytes, sha256: o.sha256 };
    case 'would-upload':
      return undefined;
    case 'deduplicated':
      return { kind: 'upload.dedup', ...base, sha256: o.sha256, sameAs: o.sameAs };
    case 'adopted':
      return { kind: 'upload.adopted', ...base };
    case 'unchanged':
      return { kind: 'upload.unchanged', ...base };
    case 'conflict':
      return { kind: 'upload.conflict', ...base, detail: o.detail };
    case 'failed':
      return { kind: 'upload.failed', ...base, error: o.error };
    case 'not-attempted':
      return { kind: 'upload.not-attempted', ...base };
  }
}
