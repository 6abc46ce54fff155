// Memory for file contents in flight: small files held between hashing and sending, upload
// parts, read chunks. Blocks are reused rather than allocated per file (glibc keeps freed blocks
// of many sizes and the process only grows), and their total is bounded: a taker waits while
// the budget is lent out. A request larger than the whole budget waits until nothing is lent.
export interface BufferPool {
  readonly budget: number;
  // A buffer of exactly `size` bytes (a view of a pooled block).
  take(size: number): Promise<Buffer>;
  // Give back what take() returned (a no-op for a buffer not from this pool).
  give(buf: Buffer): void;
  // Bytes of blocks lent out and kept, for tests and the log.
  stats(): { readonly lent: number; readonly kept: number; readonly blocks: number };
}

const MIN_BLOCK = 64 * 1024;

// Blocks come in powers of two from 64 KiB, so a block fits many later sizes.
export function blockSizeFor(size: number): number {
  let cap = MIN_BLOCK;
  while (cap < size) cap *= 2;
  return cap;
}

// Blocks smallest first: insert in order, take the smallest that fits.
function insertBySize(blocks: Buffer[], block: Buffer): number {
  const at = blocks.findIndex((b) => b.length >= block.length);
  blocks.splice(at < 0 ? blocks.length : at, 0, block);
  return block.length;
}
function removeFitting(blocks: Buffer[], size: number): Buffer | undefined {
  const at = blocks.findIndex((b) => b.length >= size);
  return at < 0 ? undefined : blocks.splice(at, 1)[0];
}

export function createBufferPool(budget: number): BufferPool {
  const free: Buffer[] = []; // kept blocks, smallest first
  const lent = new Map<ArrayBufferLike, Buffer>(); // a lent view's memory → its block
  const waiting: Array<() => void> = [];
  let lentBytes = 0;
  let keptBytes = 0;

  const lend = (block: Buffer, size: number): Buffer => {
    lent.set(block.buffer, block);
    lentBytes += block.length;
    return block.subarray(0, size);
  };
  // Drop kept blocks (largest first) until `need` more bytes fit in the budget.
  const evict = (need: number) => {
    while (free.length && lentBytes + keptBytes + need > budget) keptBytes -= free.pop()!.length;
  };
  const tryTake = (size: number): Buffer | undefined => {
    const kept = removeFitting(free, size);
    if (kept) {
      keptBytes -= kept.length;
      return lend(kept, size);
    }
    const cap = blockSizeFor(size) <= budget ? blockSizeFor(size) : size;
    if (lentBytes + cap > budget && lentBytes > 0) return undefined;
    evict(cap);
    return lend(Buffer.allocUnsafeSlow(cap), size);
  };
  const wake = () => waiting.shift()?.();

  return {
    budget,
    async take(size) {
      if (!waiting.length) {
        const got = tryTake(size);
        if (got) return got;
      }
      // Wait in order; a waiter woken that still does not fit goes back to the front.
      for (let front = false; ; front = true) {
        await new Promise<void>((resolve) => (front ? waiting.unshift(resolve) : waiting.push(resolve)));
        const got = tryTake(size);
        if (got) {
          wake(); // there may be room for the next one too
          return got;
        }
      }
    },
    give(buf) {
      const block = lent.get(buf.buffer);
      if (!block) return;
      lent.delete(buf.buffer);
      lentBytes -= block.length;
      // Kept for reuse (one larger than the budget is dropped).
      if (block.length <= budget) keptBytes += insertBySize(free, block);
      wake();
    },
    stats: () => ({ lent: lentBytes, kept: keptBytes, blocks: lent.size + free.length }),
  };
}
