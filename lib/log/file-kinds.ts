// Log kinds of each file through the stages: what the scan skipped and why, the plan's conflicts,
// and what the transfer did with each file.
import { without, type KindFormat, type KindFormats, type LogLevel } from './kind-format.ts';

// Why a directory entry is not a candidate for the scan. The first five mean "not meant to be
// synced"; `symlink-loop` (a link back to a parent, whose files are synced through the real path)
// and `vanished` (gone between listing and stat) leave nothing behind either. `unreadable` and
// `broken-link` are failures: something that may be a download could not be read.
export const SCAN_SKIP_REASONS = [
  'hidden',
  'partial',
  'excluded',
  'unstable',
  'not-regular',
  'symlink-loop',
  'vanished',
  'unreadable',
  'broken-link',
] as const;
export type ScanSkipReason = (typeof SCAN_SKIP_REASONS)[number];

type ScanSkipEntry = {
  [R in ScanSkipReason]: { readonly kind: `scan.${R}`; readonly path: string; readonly detail?: string };
}[ScanSkipReason];

const SCAN_LEVELS: Partial<Record<ScanSkipReason, LogLevel>> = {
  unreadable: 'error',
  'broken-link': 'error',
  'symlink-loop': 'warn',
  vanished: 'warn',
};
const scanFormat: KindFormat<ScanSkipEntry> = {
  level: (e) => SCAN_LEVELS[e.kind.slice(5) as ScanSkipReason] ?? 'debug',
  message: (e) => `skipped ${e.path}`,
  fields: (e) => without(e, 'path'),
};
const scanFormats = Object.fromEntries(
  SCAN_SKIP_REASONS.map((r) => [`scan.${r}`, scanFormat]),
) as KindFormats<ScanSkipEntry>;

export type FileEntry =
  | ScanSkipEntry
  | { readonly kind: 'scan.done'; readonly complete: number; readonly skipped: number }
  | { readonly kind: 'source.unmounted'; readonly path: string; readonly fails: boolean }
  | { readonly kind: 'source.empty'; readonly path: string; readonly cached: number; readonly fails: boolean }
  | {
      readonly kind: 'plan.conflict';
      readonly path: string;
      readonly key: string;
      readonly with: readonly string[];
      readonly heldBy?: string;
    }
  | { readonly kind: 'plan.invalid-key'; readonly path: string; readonly problem: string }
  | {
      readonly kind: 'upload.done';
      readonly path: string;
      readonly key: string;
      readonly bytes: number;
      readonly sha256: string;
    }
  | {
      readonly kind: 'upload.dedup';
      readonly path: string;
      readonly key: string;
      readonly sha256: string;
      readonly sameAs: string;
    }
  | { readonly kind: 'upload.adopted'; readonly path: string; readonly key: string; readonly by?: 'etag' }
  | { readonly kind: 'upload.claimed'; readonly path: string; readonly key: string }
  | {
      readonly kind: 'upload.copied';
      readonly path: string;
      readonly key: string;
      readonly from: string;
      readonly pruned: boolean;
    }
  | {
      readonly kind: 'upload.copy-refused';
      readonly path: string;
      readonly key: string;
      readonly from: string;
      readonly error: string;
    }
  | { readonly kind: 'upload.unchanged'; readonly path: string; readonly key: string }
  | { readonly kind: 'upload.conflict'; readonly path: string; readonly key: string; readonly detail: string }
  | { readonly kind: 'upload.failed'; readonly path: string; readonly key: string; readonly error: string }
  | { readonly kind: 'upload.not-attempted'; readonly path: string; readonly key: string }
  | { readonly kind: 'upload.not-recorded'; readonly path: string; readonly key: string };

export const FILE_KINDS: KindFormats<FileEntry> = {
  ...scanFormats,
  'source.unmounted': {
    level: (e) => (e.fails ? 'error' : 'warn'),
    message: (e) => `${e.path} was a mount point and is not now: is the volume mounted?`,
    fields: () => ({}),
  },
  'source.empty': {
    level: (e) => (e.fails ? 'error' : 'warn'),
    message: (e) => `${e.path} is empty while the cache holds ${e.cached} of its files: is the volume mounted?`,
    fields: () => ({}),
  },
  'scan.done': {
    level: 'info',
    message: (e) => `${e.complete} complete file(s), ${e.skipped} skipped`,
    fields: () => ({}),
  },
  'plan.conflict': {
    level: 'warn',
    message: (e) =>
      e.heldBy
        ? `${e.path} maps to ${e.key}, which holds ${e.heldBy}: not uploaded (rename one of them)`
        : `${e.path} maps to ${e.key}, as does ${e.with.join(', ')}: neither is uploaded`,
    fields: (e) => ({ key: e.key }),
  },
  'plan.invalid-key': { level: 'warn', message: (e) => `${e.path}: ${e.problem}`, fields: () => ({}) },
  'upload.done': { level: 'info', message: (e) => `uploaded ${e.key}` },
  'upload.dedup': {
    level: 'info',
    message: (e) => `not uploaded: same content already in the bucket as ${e.sameAs}`,
    fields: (e) => without(e, 'sameAs'),
  },
  'upload.adopted': {
    level: 'info',
    message: (e) =>
      e.by === 'etag'
        ? 'already in the bucket (its listed ETag is the one of these bytes); cache entry rebuilt, nothing asked'
        : 'already in the bucket with the same sha256; cache entry rebuilt',
  },
  'upload.claimed': {
    level: 'info',
    message: () => 'already in the bucket (proven by its ETag): our sha256 added by a copy onto itself, no bytes sent',
  },
  'upload.copied': {
    level: 'info',
    message: (e) => `copied on the server from ${e.from}, no bytes sent${e.pruned ? '; the old key is removed' : ''}`,
    fields: (e) => ({ path: e.path, key: e.key }),
  },
  'upload.copy-refused': {
    level: 'warn',
    message: (e) => `the server refused the copy from ${e.from} (${e.error}); sending the file instead`,
    fields: (e) => ({ path: e.path, key: e.key }),
  },
  'upload.unchanged': { level: 'debug', message: () => 'touched but content unchanged' },
  'upload.conflict': { level: 'warn', message: (e) => e.detail, fields: (e) => without(e, 'detail') },
  'upload.failed': {
    level: 'error',
    message: (e) => `failed, will be retried next run: ${e.error}`,
    fields: (e) => without(e, 'error'),
  },
  'upload.not-recorded': {
    level: 'warn',
    message: () => 'in the bucket and verified, but not recorded (the state disk): the next run adopts it',
  },
  'upload.not-attempted': {
    level: 'warn',
    message: () => 'not attempted: the stage stopped (the server unreachable, the state disk, or a signal)',
  },
};
