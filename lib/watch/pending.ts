// Names the watch has heard of and not yet judged, each with when to look at it: shortly after
// its last event (events come in bursts while a file is written), or when the scan said it will
// have been still long enough (SYNC_STABLE_SECONDS after its ctime).
import type { WalkedDir } from '../sync/scan/types.ts';

export interface PendingName {
  readonly dir: WalkedDir;
  readonly name: Buffer;
  // Its path as text (the key: the same file heard of twice is one entry).
  readonly path: string;
  dueAt: number;
  // A name a batch could not sync: at its time it goes to a batch again as it is, unjudged, so the
  // retry is made (and a fix, such as a broken link removed, is seen by that batch) whatever the
  // name has become meanwhile.
  readonly retry?: boolean;
  // Its size once the second lane asked (a ready file is still, so it is looked up once).
  size?: number;
}

export class Pending {
  private readonly items = new Map<string, PendingName>();

  // Look at `path` no earlier than `dueAt` (an entry already due later stays later).
  add(dir: WalkedDir, name: Buffer, path: string, dueAt: number): void {
    const known = this.items.get(path);
    if (known) known.dueAt = Math.max(known.dueAt, dueAt);
    else this.items.set(path, { dir, name, path, dueAt });
  }

  // Look at `path` exactly at `dueAt` (the scan knows when it will be stable).
  setDue(dir: WalkedDir, name: Buffer, path: string, dueAt: number, retry = false): void {
    this.items.set(path, { dir, name, path, dueAt, ...(retry ? { retry } : {}) });
  }

  // Remove and return every entry due at `now`.
  takeDue(now: number): PendingName[] {
    const due = [...this.items.values()].filter((p) => p.dueAt <= now);
    for (const p of due) this.items.delete(p.path);
    return due;
  }

  // When the next entry is due (undefined when there is none).
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const p of this.items.values()) if (next === undefined || p.dueAt < next) next = p.dueAt;
    return next;
  }

  has(path: string): boolean {
    return this.items.has(path);
  }

  get size(): number {
    return this.items.size;
  }
}
