// Stage 3, transfer: hash, decide against cache and bucket, upload, verify; hands each success
// to `record` (stage 4) before the next file is counted as done. Bounded concurrency; a file
// that fails is reported and left for the next run; an unreachable server stops the stage.
import mime from 'mime-types';
import { coversKey, type CacheEntry, type CacheVia, type CacheView } from './cache.ts';
import { describeError, StorageUnreachableError, VerificationError } from './errors.ts';
import type { Gate } from './gate.ts';
import { encodeMetadataValue } from './keys.ts';
import type { Logger } from './log.ts';
import type { PlanItem } from './plan.ts';
import { forEachConcurrent } from './pool.ts';
import { ORIGINAL_NAME_META, SHA256_META, SOURCE_MTIME_META, type Storage } from './storage.ts';

type TransferItem = Extract<PlanItem, { action: 'transfer' }>;

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
  readonly record: (entry: CacheEntry) => Promise<void>;
  readonly hash: (filePath: string) => Promise<string>;
  readonly gate: Gate;
  readonly log: Logger;
  readonly now?: () => Date;
  readonly force: boolean;
  readonly concurrency: number;
  readonly onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface TransferResult {
  readonly outcomes: TransferOutcome[];
  // Set when the server became unreachable and the remaining files were not attempted.
  readonly unreachable?: StorageUnreachableError;
}

export function contentTypeFor(name: string): string {
  return mime.lookup(name) || 'application/octet-stream';
}

export async function transferFiles(items: readonly TransferItem[], deps: TransferDeps): Promise<TransferResult> {
  const now = deps.now ?? (() => new Date());
  const outcomes: TransferOutcome[] = new Array(items.length);
  const inFlightBySha = new Map<string, Promise<string | undefined>>();
  let unreachable: StorageUnreachableError | undefined;
  let filesDone = 0;
  let bytesDone = 0;

  const entryFor = (item: TransferItem, sha256: string, key: string, via: CacheVia): CacheEntry => ({
    path: item.file.absPath,
    key,
    sha256,
    size: item.file.size,
    mtimeMs: item.file.mtimeMs,
    ctimeMs: item.file.ctimeMs,
    ino: item.file.ino,
    recordedAt: now().toISOString(),
    via,
  });
  const record = (entry: CacheEntry) => deps.gate.run('record in the cache', { path: entry.path, key: entry.key }, () => deps.record(entry));

  const upload = async (item: TransferItem, sha256: string): Promise<TransferOutcome> => {
    const { file, key } = item;
    const metadata = {
      [SHA256_META]: sha256,
      [ORIGINAL_NAME_META]: encodeMetadataValue(`${file.source.keySegment}${file.relPath}`),
      [SOURCE_MTIME_META]: new Date(file.mtimeMs).toISOString(),
    };
    const put = await deps.gate.run('upload', { path: file.absPath, key, bytes: file.size }, () =>
      deps.storage.putFile(key, file.absPath, file.size, metadata, contentTypeFor(file.relPath)),
    );
    if (!put) return { status: 'would-upload', item, sha256 };
    if (put.bytes !== file.size || put.sha256 !== sha256) {
      throw new VerificationError(`${file.absPath} changed while it was uploading (sent ${put.bytes} bytes, sha256 ${put.sha256.slice(0, 12)}…; expected ${file.size} bytes, ${sha256.slice(0, 12)}…)`);
    }
    const remote = await deps.storage.stat(key);
    if (!remote || remote.size !== file.size || remote.sha256 !== sha256) {
      throw new VerificationError(`verification of ${key} failed: bucket has ${remote ? `${remote.size} bytes, sha256 ${remote.sha256 ?? 'missing'}` : 'no object'}; expected ${file.size} bytes, sha256 ${sha256}`);
    }
    await record(entryFor(item, sha256, key, 'upload'));
    return { status: 'uploaded', item, sha256, bytes: file.size };
  };

  const transferOne = async (item: TransferItem): Promise<TransferOutcome> => {
    const { file, key, cached } = item;
    const sha256 = await deps.hash(file.absPath);
    if (deps.force) return upload(item, sha256);
    if (cached && cached.sha256 === sha256 && coversKey(cached, key)) {
      await record(entryFor(item, sha256, cached.key, 'rehash'));
      return { status: 'unchanged', item, sha256 };
    }
    const known = deps.cache.findContent(sha256);
    if (known && known.path !== file.absPath) {
      await record(entryFor(item, sha256, known.key, 'dedup'));
      return { status: 'deduplicated', item, sha256, sameAs: known.key };
    }
    const running = inFlightBySha.get(sha256);
    if (running) {
      const otherKey = await running;
      if (otherKey) {
        await record(entryFor(item, sha256, otherKey, 'dedup'));
        return { status: 'deduplicated', item, sha256, sameAs: otherKey };
      }
    }
    let settle: (key: string | undefined) => void = () => {};
    inFlightBySha.set(sha256, new Promise((r) => (settle = r)));
    try {
      const remote = await deps.storage.stat(key);
      if (remote && remote.size === file.size && remote.sha256 === sha256) {
        await record(entryFor(item, sha256, key, 'adopted'));
        settle(key);
        return { status: 'adopted', item, sha256 };
      }
      const owner = deps.cache.ownerOfKey(key);
      if (owner && owner.path !== file.absPath && owner.sha256 !== sha256) {
        settle(undefined);
        return { status: 'conflict', item, detail: `${key} already holds the upload of ${owner.path} (sha256 ${owner.sha256.slice(0, 12)}…); not overwriting it` };
      }
      const outcome = await upload(item, sha256);
      settle(outcome.status === 'uploaded' ? key : undefined);
      return outcome;
    } catch (e) {
      settle(undefined);
      throw e;
    }
  };

  await forEachConcurrent(
    items,
    deps.concurrency,
    async (item, i) => {
      let outcome: TransferOutcome;
      try {
        outcome = await transferOne(item);
      } catch (e) {
        if (e instanceof StorageUnreachableError) {
          unreachable ??= e;
          outcome = { status: 'not-attempted', item };
        } else {
          outcome = { status: 'failed', item, error: describeError(e) };
        }
      }
      outcomes[i] = outcome;
      logOutcome(deps.log, outcome);
      filesDone++;
      if (outcome.status === 'uploaded') bytesDone += outcome.bytes;
      deps.onProgress?.({ files: filesDone, bytes: bytesDone });
    },
    () => unreachable !== undefined,
  );
  for (let i = 0; i < items.length; i++) outcomes[i] ??= { status: 'not-attempted', item: items[i]! };
  return { outcomes, ...(unreachable ? { unreachable } : {}) };
}

function logOutcome(log: Logger, o: TransferOutcome): void {
  const base = { path: o.item.file.absPath, key: o.item.key };
  switch (o.status) {
    case 'uploaded':
      return log.info('upload.done', `uploaded ${o.item.key}`, { ...base, bytes: o.bytes, sha256: o.sha256 });
    case 'would-upload':
      return;
    case 'deduplicated':
      return log.info('upload.dedup', `not uploaded: same content already in the bucket as ${o.sameAs}`, { ...base, sha256: o.sha256 });
    case 'adopted':
      return log.info('upload.adopted', 'already in the bucket with the same sha256; cache entry rebuilt', base);
    case 'unchanged':
      return log.debug('upload.unchanged', 'touched but content unchanged', base);
    case 'conflict':
      return log.warn('upload.conflict', o.detail, base);
    case 'failed':
      return log.error('upload.failed', `failed, will be retried next run: ${o.error}`, base);
    case 'not-attempted':
      return log.warn('upload.not-attempted', 'not attempted: storage unreachable', base);
  }
}
