// What each transfer outcome means beyond itself: the key that holds the bytes afterwards (what
// copies of them waiting in this run dedup onto), and the log entry it is reported with.
import type { LogEntry } from '../../log/logger.ts';
import type { TransferOutcome } from './types.ts';

// The key that holds the bytes after an outcome (what copies of them waiting in this run dedup onto).
export function heldUnder(o: TransferOutcome): string | null {
  switch (o.status) {
    case 'deduplicated':
      return o.sameAs;
    case 'uploaded':
    case 'would-upload':
    case 'adopted':
    case 'claimed':
    case 'would-claim':
    case 'copied':
    case 'would-copy':
    case 'unchanged':
      return o.item.key;
    default:
      return null;
  }
}

// The entry an outcome is logged with; a dry run's speak as what would be done (nothing is recorded).
export function logEntryFor(o: TransferOutcome, dryRun = false): LogEntry | undefined {
  const base = { path: o.item.file.absPath, key: o.item.key };
  if (dryRun && o.status === 'deduplicated')
    return { kind: 'dry-run', action: `deduplicate (same content as ${o.sameAs})`, target: base };
  if (dryRun && o.status === 'adopted')
    return { kind: 'dry-run', action: 'adopt (already in the bucket as these bytes)', target: base };
  switch (o.status) {
    case 'uploaded':
      return { kind: 'upload.done', ...base, bytes: o.bytes, sha256: o.sha256 };
    case 'would-upload':
      return undefined;
    case 'deduplicated':
      return { kind: 'upload.dedup', ...base, sha256: o.sha256, sameAs: o.sameAs };
    case 'adopted':
      return { kind: 'upload.adopted', ...base, ...(o.by ? { by: o.by } : {}) };
    case 'claimed':
      return { kind: 'upload.claimed', ...base };
    case 'copied':
      return { kind: 'upload.copied', ...base, from: o.from, pruned: o.pruned };
    case 'would-claim':
    case 'would-copy':
      return undefined;
    case 'unchanged':
      return { kind: 'upload.unchanged', ...base };
    case 'conflict':
      return { kind: 'upload.conflict', ...base, detail: o.detail };
    case 'failed':
      return { kind: 'upload.failed', ...base, error: o.error };
    case 'not-attempted':
      return { kind: 'upload.not-attempted', ...base };
    case 'not-recorded':
      return { kind: 'upload.not-recorded', ...base };
  }
}
