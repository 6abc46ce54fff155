// What the watch has heard and what is ready: names from folder events wait in `Pending` until
// they are due, are then judged by the scan's rules (a stat each, no lock), and the complete ones
// (and the failures, to be reported) wait in `ready` for the next batch.
import fs from 'node:fs';
import type { Timers } from './debounce.ts';
import { Pending, type PendingName } from './pending.ts';
import { textToName } from '../sync/scan/names.ts';
import { placeOf } from '../sync/scan/places.ts';
import { FAILED_SKIPS, scanNames } from '../sync/scan/scan.ts';
import type { ScanOptions, ScanResult, WalkedDir } from '../sync/scan/types.ts';

// Events for a file come in bursts while it is written: look at it this long after the last one.
export const SETTLE_MS = 200;

export class Intake {
  private readonly pending = new Pending();
  private ready: PendingName[] = [];
  private readonly readyPaths = new Set<string>();
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    private readonly scanOptions: () => ScanOptions,
    // Something became ready (or judging failed).
    private readonly onReady: (error?: unknown) => void,
    // The watched folder whose path (as text) is given.
    private readonly find: (dirText: string) => WalkedDir | undefined,
  ) {}

  heard(dir: WalkedDir, name: Buffer): void {
    if (this.closed) return;
    this.pending.add(dir, name, placeOf(dir.place, name).text, this.now() + SETTLE_MS);
    this.arm();
  }

  get readyCount(): number {
    return this.ready.length;
  }

  // Known to the watch and not yet through a batch.
  knows(path: string): boolean {
    return this.pending.has(path) || this.readyPaths.has(path);
  }

  // Up to `max` ready names (those `which` accepts: the others stay ready).
  takeReady(max: number, which?: (p: PendingName) => boolean): PendingName[] {
    const taken = which ? this.takeSome(max, which) : this.ready.splice(0, max);
    for (const p of taken) this.readyPaths.delete(p.path);
    return taken;
  }

  private takeSome(max: number, which: (p: PendingName) => boolean): PendingName[] {
    const taken: PendingName[] = [];
    const kept: PendingName[] = [];
    for (const p of this.ready) (taken.length < max && which(p) ? taken : kept).push(p);
    this.ready.splice(0, this.ready.length, ...kept);
    return taken;
  }

  // Send these names to a batch again at `at` (a batch that could not run, or that failed them).
  requeue(names: readonly PendingName[], at: number): void {
    for (const p of names) this.pending.setDue(p.dir, p.name, p.path, at, true);
    this.arm();
  }

  // Files a scan found not yet stable are looked at again when they will be (also those found in
  // folders it walked).
  rescheduleUnstable(result: ScanResult, names: readonly PendingName[]): void {
    const byPath = new Map(names.map((p) => [p.path, p]));
    for (const s of result.skipped) {
      if (s.reason !== 'unstable' || s.readyAt === undefined) continue;
      const p = this.pendingFor(s.path, byPath);
      if (p) this.pending.setDue(p.dir, p.name, p.path, s.readyAt + 25);
    }
    this.arm();
  }

  // The name heard for `path`, or (a file inside a folder that was heard and walked) one made for it.
  private pendingFor(path: string, byPath: ReadonlyMap<string, PendingName>): PendingName | undefined {
    const heard = byPath.get(path);
    if (heard) return heard;
    const slash = path.lastIndexOf('/');
    const dir = this.find(path.slice(0, slash));
    return dir ? { dir, name: textToName(path.slice(slash + 1)), path, dueAt: this.now() } : undefined;
  }

  close(): void {
    this.closed = true;
    this.timers.clear(this.timer);
  }

  private arm(): void {
    this.timers.clear(this.timer);
    const next = this.pending.nextDue();
    if (next === undefined || this.closed) return;
    this.timer = this.timers.set(() => void this.judge(), Math.max(0, next - this.now()));
  }

  private async judge(): Promise<void> {
    const taken = this.pending.takeDue(this.now());
    const retries = taken.filter((p) => p.retry);
    for (const p of retries.filter((r) => !this.readyPaths.has(r.path))) {
      this.readyPaths.add(p.path);
      this.ready.push(p);
    }
    const due = taken.filter((p) => !p.retry);
    try {
      if (due.length) {
        const byPath = new Map(due.map((p) => [p.path, p]));
        const result = await scanNames(due, this.scanOptions());
        const ready = [
          ...result.files.map((f) => f.absPath),
          ...result.skipped.filter((s) => FAILED_SKIPS.has(s.reason)).map((s) => s.path),
        ];
        for (const path of ready.filter((p) => !this.readyPaths.has(p))) {
          const p = this.pendingFor(path, byPath);
          if (!p) continue; // its folder is not watched (gone meanwhile): the next rescan sees it
          this.readyPaths.add(path);
          this.ready.push(p);
        }
        this.rescheduleUnstable(result, due);
      }
    } catch (e) {
      return this.onReady(e);
    }
    this.arm();
    this.onReady();
  }
}

// A file sent in one request, below the part size (a name gone since counts as small: its batch
// says what became of it). Its size is looked up once.
export function isSmall(p: PendingName, partSizeBytes: number): boolean {
  if (p.size === undefined) {
    try {
      p.size = fs.statSync(p.path).size;
    } catch {
      p.size = 0;
    }
  }
  return p.size < partSizeBytes;
}
