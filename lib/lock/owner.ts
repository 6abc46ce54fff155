// Who holds the lock: what the lock file says of its owner, and whether that owner still holds it
// (judged against the process table of this host, ./proc.ts).
import type { Processes } from './proc.ts';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  // Missing in locks written by versions before the owner identity.
  readonly bootId?: string;
  readonly startTicks?: number;
  readonly nonce?: string;
}

export type Verdict =
  { readonly kind: 'live' } | { readonly kind: 'foreign' } | { readonly kind: 'stale'; readonly why: string };

// Whether the owner a lock names still holds it. Pure but for the process table it is given.
export function judgeLock(holder: LockInfo | undefined, procs: Processes): Verdict {
  if (!holder) return { kind: 'stale', why: 'unreadable lock file' };
  if (holder.host !== procs.host) return { kind: 'foreign' };
  if (holder.bootId && holder.bootId !== procs.bootId()) return { kind: 'stale', why: 'left before a reboot' };
  const proc = procs.info(holder.pid);
  if (!proc) return { kind: 'stale', why: `pid ${holder.pid} is gone` };
  if (holder.startTicks !== undefined) {
    return proc.startTicks === holder.startTicks
      ? { kind: 'live' }
      : { kind: 'stale', why: `pid ${holder.pid} now belongs to another process` };
  }
  // A lock from before owner identities: the owner was a node process that started before it.
  const startedBefore = proc.startedAtMs <= Date.parse(holder.startedAt) + 1000;
  return startedBefore && /\bnode\b/.test(proc.command)
    ? { kind: 'live' }
    : { kind: 'stale', why: `pid ${holder.pid} is not the process that took it` };
}

export function parseLock(text: string): LockInfo | undefined {
  try {
    const o = JSON.parse(text) as LockInfo;
    return Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}
