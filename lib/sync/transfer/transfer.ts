// Stage 3, transfer: the I/O for each file that needs more than `stat`: gather the facts
// decideFile asks for (./facts.ts: hash, an upload of the same bytes in flight, the bucket, an
// ETag proof, other objects holding the bytes), then do what it decides (./act.ts: upload,
// claim, copy on the server) or record. Each success is handed to the recorder (stage 4)
// before the file counts as done. Bounded concurrency; a file that fails is reported and left
// for the next run; an unreachable server stops the stage.
import { describeError, StateDiskError, StorageUnreachableError } from '../../errors.ts';
import type { ObjectInfo } from '../../storage/types.ts';
import { decideFile, type Decision, type FileFacts, type NeedFact } from '../plan/decide.ts';
import type { TransferItem } from '../plan/types.ts';
import { claimObject, copyFromSource, uploadFile } from './act.ts';
import {
  gatherInFlight,
  gatherProof,
  gatherRemote,
  gatherSource,
  headAhead,
  listedEtagCheck,
  provenByListing,
  withHash,
} from './facts.ts';
import { InFlightUploads } from './in-flight.ts';
import { heldUnder, logEntryFor } from './outcomes.ts';
import { forEachConcurrent, semaphore } from './pool.ts';
import { findTwins, takeEarlyHash, type EarlyHash } from './twins.ts';
import type { TransferDeps, TransferOutcome, TransferResult } from './types.ts';

// Files are looked at by `checkers` lanes; their uploads take one of `concurrency` slots (as
// rclone's checkers and transfers), so HEADs, proofs and server-side copies are not held up
// behind uploads. Memory is taken before a slot, never while holding one (no lane waits for
// memory that lanes waiting for its slot hold).
export async function transferFiles(
  items: readonly TransferItem[],
  transferDeps: TransferDeps,
): Promise<TransferResult> {
  const done = { files: 0, bytes: 0 };
  // Bytes of each large file counted part by part, so that its completion adds only the rest.
  const counted = new Map<TransferItem, number>();
  const deps: TransferDeps = {
    ...transferDeps,
    uploadSlot: transferDeps.uploadSlot ?? semaphore(transferDeps.concurrency),
    onBytes: (item, n) => {
      counted.set(item, (counted.get(item) ?? 0) + n);
      done.bytes += n;
      transferDeps.onProgress?.({ ...done });
    },
  };
  const lanes = Math.max(deps.concurrency, deps.checkers ?? deps.concurrency);
  const outcomes: TransferOutcome[] = new Array(items.length);
  const twins = await findTwins(items, deps.read, lanes, (item) => listedEtagCheck(factsOf(item, deps), deps));
  const inFlight = new InFlightUploads();
  // Originals announce their upload before anything starts, so their copies wait for them.
  const claims = new Map([...twins.originals].map(([item, sha256]) => [item, inFlight.claim(sha256)]));
  let unreachable: StorageUnreachableError | undefined;
  let stateDisk: StateDiskError | undefined;
  await forEachConcurrent(
    items,
    lanes,
    async (item, i) => {
      const start: Start = { early: takeEarlyHash(twins, item), claim: claims.get(item) };
      claims.delete(item);
      const outcome = await transferOne(item, deps, inFlight, start).catch((e: unknown): TransferOutcome => {
        // The state disk stops the stage: the object is in the bucket, only its record is missing.
        if (e instanceof StateDiskError) {
          stateDisk ??= e;
          return { status: 'not-recorded', item };
        }
        if (!(e instanceof StorageUnreachableError)) return { status: 'failed', item, error: describeError(e) };
        unreachable ??= e;
        return { status: 'not-attempted', item };
      });
      outcomes[i] = outcome;
      const entry = logEntryFor(outcome, deps.gate.dryRun);
      if (entry) deps.log.write(entry);
      done.files++;
      if (outcome.status === 'uploaded') done.bytes += outcome.bytes - (counted.get(item) ?? 0);
      else done.bytes -= counted.get(item) ?? 0; // a failed upload's parts were not the file's bytes after all
      counted.delete(item);
      deps.onProgress?.({ ...done });
    },
    () => unreachable !== undefined || stateDisk !== undefined || deps.stop?.() === true,
  );
  for (const settle of claims.values()) settle(null); // originals never reached: their copies go on alone
  for (let i = 0; i < items.length; i++) outcomes[i] ??= { status: 'not-attempted', item: items[i]! };
  return { outcomes, ...(unreachable ? { unreachable } : {}), ...(stateDisk ? { stateDisk } : {}) };
}

// What is known before a file's turn: its hash if it was taken ahead, its claim if it is an original.
interface Start {
  readonly early: EarlyHash | undefined;
  readonly claim: ((key: string | null) => void) | undefined;
}

// Ask decideFile, gather what it needs, ask again, until it decides. The content's claim is
// settled with the key that holds it afterwards (also in a dry run, so a copy there is reported
// as the dedup it would be), or null.
async function transferOne(
  item: TransferItem,
  deps: TransferDeps,
  inFlight: InFlightUploads,
  start: Start,
): Promise<TransferOutcome> {
  if (start.early && 'error' in start.early) throw new Error(start.early.error);
  let facts = factsOf(item, deps);
  const head = headAhead(facts, deps);
  if (start.early) {
    facts = withHash(facts, start.early.sha256, deps, inFlight, start.claim !== undefined);
    if (start.early.etagProven) facts = provenByListing(facts, deps);
  }
  let body: Buffer | undefined; // the bytes read for the hash, sent as they are
  let release: (() => void) | undefined; // gives the body's memory back
  let settle = start.claim;
  try {
    for (;;) {
      const d = decideFile(facts);
      if (d.action !== 'need') {
        settle ??= d.action === 'upload' ? inFlight.claim(facts.sha256!) : undefined;
        const outcome = await act(item, facts, d, body, deps);
        settle?.(heldUnder(outcome));
        return outcome;
      }
      if (d.fact === 'remote') settle ??= inFlight.claim(facts.sha256!);
      if (d.fact === 'hash') {
        const check = listedEtagCheck(facts, deps);
        const content = await deps.read(item.file, check?.feed);
        ({ body, release } = content);
        facts = withHash(facts, content.sha256, deps, inFlight);
        if (check?.matches()) facts = provenByListing(facts, deps);
      } else {
        // Waiting for another upload of the same bytes: their memory is not held meanwhile.
        if (d.fact === 'in-flight') {
          release?.();
          [body, release] = [undefined, undefined];
        }
        facts = await gather(d.fact, facts, body, deps, inFlight, head);
      }
    }
  } finally {
    release?.();
    settle?.(null); // a no-op once settled; frees waiters if this file failed
  }
}

// What is known of a file before anything is read or asked.
function factsOf(item: TransferItem, deps: TransferDeps): FileFacts {
  return {
    file: item.file,
    key: item.key,
    force: deps.force,
    ...(item.cached ? { cached: item.cached } : {}),
    ...(item.unproven?.kind === 'changed' ? { replace: true } : {}),
  };
}

function gather(
  fact: Exclude<NeedFact, 'hash'>,
  facts: FileFacts,
  body: Buffer | undefined,
  deps: TransferDeps,
  inFlight: InFlightUploads,
  head?: Promise<ObjectInfo | null>,
): Promise<FileFacts> {
  if (fact === 'in-flight') return gatherInFlight(facts, inFlight);
  if (fact === 'remote') return gatherRemote(facts, deps, head);
  if (fact === 'proof') return gatherProof(facts, body, deps);
  return gatherSource(facts, body, deps);
}

async function act(
  item: TransferItem,
  facts: FileFacts,
  d: Exclude<Decision, { action: 'need' }>,
  body: Buffer | undefined,
  deps: TransferDeps,
): Promise<TransferOutcome> {
  const sha256 = facts.sha256!;
  switch (d.action) {
    case 'conflict':
      return { status: 'conflict', item, detail: d.detail };
    case 'upload':
      return uploadFile(item, sha256, body, deps);
    case 'claim':
      return claimObject(item, sha256, facts.remote!.etag!, deps);
    case 'copy':
      return copyFromSource(item, sha256, d.from, d.etag, deps);
    case 'record':
      await deps.recorder.record(item.file, sha256, d.key, d.via, recordedEtag(d.via, facts));
      if (d.via === 'rehash') return { status: 'unchanged', item, sha256 };
      if (d.via === 'dedup') return { status: 'deduplicated', item, sha256, sameAs: d.key };
      return { status: 'adopted', item, sha256, ...(facts.remote?.listed ? { by: 'etag' as const } : {}) };
  }
}

// The ETag a record keeps: the one recorded before for an unchanged file, the bucket's for an
// adopted one; none for a dedup (its object is another file's).
function recordedEtag(via: 'rehash' | 'dedup' | 'adopted', facts: FileFacts): string | undefined {
  if (via === 'rehash') return facts.cached?.etag;
  return via === 'adopted' ? facts.remote?.etag : undefined;
}
