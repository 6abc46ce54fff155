// Files of this run with the same bytes ("twins", e.g. the daemon's "-a1B2c3D4" second
// download): found before any upload starts, so the one whose name is kept (pickOriginal) is
// decided by a rule, not by which finished hashing first. Only files that share their size
// with another file of the run are hashed ahead; their hash is not computed again later.
import { describeError } from '../../errors.ts';
import { pickOriginal } from '../plan/decide.ts';
import type { EtagCheck } from './etag.ts';
import type { ContentReader } from './hash.ts';
import type { TransferItem } from '../plan/types.ts';
import { forEachConcurrent } from './pool.ts';

// A hash taken ahead, and whether the same read proved the ETag of the object listed under the
// file's key (see ./facts.ts listedEtagCheck).
export type EarlyHash = { readonly sha256: string; readonly etagProven?: boolean } | { readonly error: string };

export interface Twins {
  // Hashes taken ahead, by item; each is taken out (takeEarlyHash) when its file starts, so a run of
  // many files does not hold them all to its end.
  readonly hashes: Map<TransferItem, EarlyHash>;
  // For each copy, the item that is its original.
  readonly originalOf: ReadonlyMap<TransferItem, TransferItem>;
  // Originals that have copies, with their content hash.
  readonly originals: ReadonlyMap<TransferItem, string>;
}

export async function findTwins(
  items: readonly TransferItem[],
  read: ContentReader,
  concurrency: number,
  checkFor: (item: TransferItem) => EtagCheck | undefined = () => undefined,
): Promise<Twins> {
  const bySize = new Map<number, TransferItem[]>();
  for (const item of items) {
    const group = bySize.get(item.file.size);
    if (group) group.push(item);
    else bySize.set(item.file.size, [item]);
  }
  const candidates = [...bySize.values()].filter((g) => g.length > 1).flat();
  const hashes = new Map<TransferItem, EarlyHash>();
  await forEachConcurrent(candidates, concurrency, async (item) => {
    const check = checkFor(item);
    hashes.set(
      item,
      await read(item.file, check?.feed).then(
        (c) => (c.release?.(), { sha256: c.sha256, ...(check?.matches() ? { etagProven: true } : {}) }),
        (e: unknown) => ({ error: describeError(e) }),
      ),
    );
  });
  const bySha = new Map<string, TransferItem[]>();
  for (const [item, h] of hashes) {
    if (!('sha256' in h)) continue;
    const group = bySha.get(h.sha256);
    if (group) group.push(item);
    else bySha.set(h.sha256, [item]);
  }
  const originalOf = new Map<TransferItem, TransferItem>();
  const originals = new Map<TransferItem, string>();
  for (const [sha256, group] of bySha) {
    if (group.length < 2) continue;
    const original = pickOriginal(group.map((i) => ({ ...i.file, item: i }))).item;
    originals.set(original, sha256);
    for (const item of group) if (item !== original) originalOf.set(item, original);
  }
  return { hashes, originalOf, originals };
}

// The hash taken ahead for this item, if any, handed over once.
export function takeEarlyHash(twins: Twins, item: TransferItem): EarlyHash | undefined {
  const early = twins.hashes.get(item);
  twins.hashes.delete(item);
  return early;
}
