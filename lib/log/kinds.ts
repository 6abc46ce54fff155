// Every kind of log entry, as one union keyed by `kind`, and one formatter per kind: a renamed or
// mistyped kind breaks the build, not a dashboard (zx's LogEntry in src/log.ts is the model).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

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

export type RunCounts = {
  readonly scanned: number;
  readonly complete: number;
  readonly new: number;
  readonly uploaded: number;
  readonly deduplicated: number;
  readonly adopted: number;
  readonly conflicts: number;
  readonly failed: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly bytesUploaded: number;
  readonly durationMs: number;
  readonly throughputBytesPerSec: number;
};

export type LogEntry =
  | {
      readonly kind: 'run.start';
      readonly bucket: string;
      readonly prefix: string;
      readonly dirs: readonly string[];
      readonly concurrency: number;
      readonly dryRun: boolean;
      readonly force: boolean;
    }
  | ({ readonly kind: 'run.summary'; readonly status: string } & RunCounts)
  | { readonly kind: 'run.error'; readonly error: string }
  | { readonly kind: 'run.failed'; readonly error: string; readonly exitCode: number }
  | { readonly kind: 'run.process-only'; readonly ran: boolean; readonly exitCode?: number; readonly reason: string }
  | { readonly kind: 'lock.present'; readonly holder: string }
  | {
      readonly kind: 'lock.waiting';
      readonly file: string;
      readonly pid: number;
      readonly startedAt: string;
      readonly waitSeconds: number;
    }
  | {
      readonly kind: 'lock.stale';
      readonly file: string;
      readonly pid: number;
      readonly startedAt: string;
      readonly why: string;
    }
  | { readonly kind: 'bucket.created'; readonly bucket: string }
  | { readonly kind: 'bucket.listed'; readonly pages: number; readonly complete: boolean }
  | { readonly kind: 'legacy.loaded'; readonly file: string; readonly entries: number }
  | {
      readonly kind: 'logs.pruned';
      readonly logFiles: number;
      readonly runRecords: number;
      readonly cronLogCut: boolean;
      readonly days: number;
    }
  | ScanSkipEntry
  | { readonly kind: 'scan.done'; readonly complete: number; readonly skipped: number }
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
  | { readonly kind: 'upload.adopted'; readonly path: string; readonly key: string }
  | { readonly kind: 'upload.claimed'; readonly path: string; readonly key: string }
  | {
      readonly kind: 'upload.copied';
      readonly path: string;
      readonly key: string;
      readonly from: string;
      readonly pruned: boolean;
    }
  | { readonly kind: 'upload.unchanged'; readonly path: string; readonly key: string }
  | { readonly kind: 'upload.conflict'; readonly path: string; readonly key: string; readonly detail: string }
  | { readonly kind: 'upload.failed'; readonly path: string; readonly key: string; readonly error: string }
  | { readonly kind: 'upload.not-attempted'; readonly path: string; readonly key: string }
  | { readonly kind: 'dry-run'; readonly action: string; readonly target: LogFields }
  | {
      readonly kind: 'retry';
      readonly error: string;
      readonly attempt: number;
      readonly retries: number;
      readonly delayMs: number;
    }
  | { readonly kind: 'cache.unreadable'; readonly file: string; readonly error: string; readonly aside?: string }
  | { readonly kind: 'cache.journal-torn'; readonly file: string; readonly lines: number }
  | { readonly kind: 'docker.start'; readonly container: string; readonly status: string }
  | { readonly kind: 'docker.ready'; readonly container: string; readonly started: boolean; readonly healthy: boolean }
  | { readonly kind: 'process.start'; readonly container: string; readonly command: string }
  | {
      readonly kind: 'process.output';
      readonly container: string;
      readonly stream: 'stdout' | 'stderr';
      readonly line: string;
    }
  | { readonly kind: 'process.failed'; readonly container: string; readonly command: string; readonly error: string }
  | {
      readonly kind: 'watch.start';
      readonly dirs: readonly string[];
      readonly rescanMinutes: number;
      readonly stableSeconds: number;
    }
  | { readonly kind: 'watch.ready'; readonly watched: number }
  | {
      readonly kind: 'watch.rescan';
      readonly reason: string;
      readonly watched: number;
      readonly unwatched: number;
      readonly complete: number;
      readonly new: number;
      readonly durationMs: number;
      readonly ok: boolean;
    }
  | { readonly kind: 'watch.missed'; readonly count: number; readonly paths: readonly string[] }
  | { readonly kind: 'watch.retry'; readonly what: string; readonly inSeconds: number }
  | { readonly kind: 'watch.stopping'; readonly reason: string; readonly inFlight: boolean }
  | {
      readonly kind: 'watch.stopped';
      readonly reason: string;
      readonly abandoned: boolean;
      readonly owed: number;
      readonly error?: string;
    }
  | { readonly kind: 'process.done'; readonly container: string; readonly command: string; readonly durationMs: number }
  | { readonly kind: 'notify.sent'; readonly target: string; readonly why: string }
  | { readonly kind: 'notify.failed'; readonly target: string; readonly attempts: number; readonly error: string }
  | { readonly kind: 'notify.held'; readonly why: string; readonly failures: number }
  | { readonly kind: 'metrics.failed'; readonly file: string; readonly error: string }
  | { readonly kind: 'metrics.listening'; readonly url: string };

export type LogKind = LogEntry['kind'];
export type EntryOf<K extends LogKind> = Extract<LogEntry, { kind: K }>;

export interface KindFormat<E> {
  readonly level: LogLevel | ((e: E) => LogLevel);
  readonly message: (e: E) => string;
  // The fields written beside the message (default: every field of the entry but `kind`).
  readonly fields?: (e: E) => LogFields;
}

const without = <E extends object, K extends keyof E>(e: E, ...keys: K[]): LogFields => {
  const out: LogFields = { ...(e as LogFields) };
  for (const k of ['kind', ...keys]) delete out[k as string];
  return out;
};

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
const scanFormats = Object.fromEntries(SCAN_SKIP_REASONS.map((r) => [`scan.${r}`, scanFormat])) as {
  [K in ScanSkipEntry['kind']]: KindFormat<EntryOf<K>>;
};

export const LOG_KINDS: { readonly [K in LogKind]: KindFormat<EntryOf<K>> } = {
  'run.start': {
    level: 'info',
    message: (e) =>
      `sync starting${e.dryRun ? ' (dry run: nothing will be written)' : ''}${e.force ? ' (--force: re-uploading everything)' : ''}`,
    fields: (e) => without(e, 'dryRun', 'force'),
  },
  'run.summary': { level: 'info', message: (e) => `sync ${e.status}`, fields: (e) => without(e, 'status') },
  'run.error': { level: 'error', message: (e) => e.error, fields: () => ({}) },
  'run.failed': { level: 'error', message: (e) => e.error, fields: (e) => ({ exitCode: e.exitCode }) },
  'run.process-only': {
    level: 'info',
    message: (e) => `processing ${e.ran ? `ran, exit ${e.exitCode}` : `not run (${e.reason})`}`,
    fields: () => ({}),
  },
  'lock.present': {
    level: 'warn',
    message: (e) => `a lock file exists (${e.holder}); a dry run does not take it`,
    fields: () => ({}),
  },
  'lock.waiting': {
    level: 'info',
    message: (e) =>
      `another run holds the lock (pid ${e.pid}, started ${e.startedAt}); waiting up to ${e.waitSeconds} s for it`,
    fields: (e) => ({ file: e.file }),
  },
  'lock.stale': {
    level: 'warn',
    message: (e) =>
      `taking over a lock left by a process that is gone (pid ${e.pid}, started ${e.startedAt}: ${e.why})`,
    fields: (e) => ({ file: e.file }),
  },
  'logs.pruned': {
    level: 'info',
    message: (e) =>
      `removed ${e.logFiles} dated log file(s) and ${e.runRecords} run record(s) older than ${e.days} days${e.cronLogCut ? '; cut cron.log to its last 1 MiB' : ''}`,
    fields: () => ({}),
  },
  'legacy.loaded': {
    level: 'info',
    message: (e) =>
      `the old system's cache: ${e.entries} entries, used as hints (every object is proven before it is adopted)`,
    fields: (e) => ({ file: e.file }),
  },
  'bucket.listed': {
    level: 'debug',
    message: (e) =>
      `listed ${e.pages} page(s) of the bucket${e.complete ? '' : ' (not all of it)'} instead of a HEAD per file`,
    fields: () => ({}),
  },
  'bucket.created': { level: 'info', message: (e) => `created bucket ${e.bucket}`, fields: () => ({}) },
  ...scanFormats,
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
  'upload.adopted': { level: 'info', message: () => 'already in the bucket with the same sha256; cache entry rebuilt' },
  'upload.claimed': {
    level: 'info',
    message: () => 'already in the bucket (proven by its ETag): our sha256 added by a copy onto itself, no bytes sent',
  },
  'upload.copied': {
    level: 'info',
    message: (e) => `copied on the server from ${e.from}, no bytes sent${e.pruned ? '; the old key is removed' : ''}`,
    fields: (e) => ({ path: e.path, key: e.key }),
  },
  'upload.unchanged': { level: 'debug', message: () => 'touched but content unchanged' },
  'upload.conflict': { level: 'warn', message: (e) => e.detail, fields: (e) => without(e, 'detail') },
  'upload.failed': {
    level: 'error',
    message: (e) => `failed, will be retried next run: ${e.error}`,
    fields: (e) => without(e, 'error'),
  },
  'upload.not-attempted': { level: 'warn', message: () => 'not attempted: storage unreachable' },
  'dry-run': { level: 'info', message: (e) => `would ${e.action}`, fields: (e) => ({ ...e.target }) },
  retry: {
    level: 'warn',
    message: (e) => `request failed (${e.error}); retry ${e.attempt}/${e.retries} in ${e.delayMs} ms`,
    fields: () => ({}),
  },
  'cache.unreadable': {
    level: 'warn',
    message: (e) =>
      `hash cache could not be read (${e.error}); ${e.aside ? 'moved aside, the bucket check will rebuild it' : 'ignoring it for this dry run'}`,
    fields: (e) => without(e, 'error'),
  },
  'cache.journal-torn': {
    level: 'warn',
    message: (e) => `skipped ${e.lines} damaged journal line(s), probably cut by a crash`,
    fields: (e) => ({ file: e.file }),
  },
  'docker.start': {
    level: 'warn',
    message: (e) => `container ${e.container} is ${e.status}; starting it`,
    fields: (e) => ({ container: e.container }),
  },
  'docker.ready': {
    level: 'info',
    message: (e) => `container ${e.container} is running${e.healthy ? ' and healthy' : ''}`,
    fields: (e) => ({ container: e.container, started: e.started }),
  },
  'process.start': {
    level: 'info',
    message: (e) => `docker exec ${e.container} ${e.command}`,
    fields: (e) => ({ container: e.container }),
  },
  'process.output': {
    level: (e) => (e.stream === 'stderr' ? 'warn' : 'info'),
    message: (e) => e.line,
    fields: (e) => without(e, 'line'),
  },
  'process.failed': {
    level: 'error',
    message: (e) => `${e.command} in ${e.container} ${e.error}; the uploads stay recorded, rerun with --process-only`,
    fields: (e) => ({ container: e.container }),
  },
  'watch.start': {
    level: 'info',
    message: (e) =>
      `watching ${e.dirs.join(', ')}: files still for ${e.stableSeconds} s are synced; a full rescan every ${e.rescanMinutes} min`,
    fields: () => ({}),
  },
  'watch.ready': { level: 'info', message: (e) => `caught up; watching ${e.watched} folder(s)`, fields: () => ({}) },
  'watch.rescan': {
    level: (e) => (e.ok ? 'info' : 'warn'),
    message: (e) =>
      `${e.reason} rescan ${e.ok ? 'done' : 'failed'}: ${e.complete} complete file(s), ${e.new} new; ${e.watched} folder(s) watched`,
    fields: (e) => ({ unwatched: e.unwatched, durationMs: e.durationMs }),
  },
  'watch.missed': {
    level: 'warn',
    message: (e) =>
      `the rescan found ${e.count} file(s) the folder events had missed (the kernel drops events when its queue is full: fs.inotify.max_queued_events)`,
    fields: (e) => ({ paths: e.paths }),
  },
  'watch.retry': { level: 'warn', message: (e) => `${e.what}: trying again in ${e.inSeconds} s`, fields: () => ({}) },
  'watch.stopping': {
    level: 'info',
    message: (e) => `stopping (${e.reason})${e.inFlight ? ': letting the work in flight finish' : ''}`,
    fields: () => ({}),
  },
  'watch.stopped': {
    level: (e) => (e.error ? 'error' : e.abandoned ? 'warn' : 'info'),
    message: (e) =>
      `stopped (${e.reason})${e.error ? `: ${e.error}` : ''}${e.abandoned ? '; uploads in flight were abandoned, not recorded: the next start sends them' : ''}${e.owed ? `; processing of ${e.owed} object(s) is owed to the next run` : ''}`,
    fields: () => ({}),
  },
  'process.done': {
    level: 'info',
    message: (e) => `${e.command} finished in ${(e.durationMs / 1000).toFixed(1)} s`,
    fields: (e) => ({ container: e.container }),
  },
  'notify.sent': { level: 'info', message: (e) => `notification sent to ${e.target} (${e.why})`, fields: () => ({}) },
  'notify.failed': {
    level: 'warn',
    message: (e) =>
      `the notification was not delivered to ${e.target} after ${e.attempts} attempt(s): ${e.error}; the run's exit code is unchanged`,
    fields: () => ({}),
  },
  'notify.held': {
    level: 'info',
    message: (e) => `no notification: ${e.why} (${e.failures} failure(s) in a row)`,
    fields: () => ({}),
  },
  'metrics.failed': {
    level: 'warn',
    message: (e) => `could not write the metrics file ${e.file}: ${e.error}`,
    fields: () => ({}),
  },
  'metrics.listening': {
    level: 'info',
    message: (e) => `serving ${e.url}metrics, ${e.url}healthz and ${e.url}status`,
    fields: () => ({}),
  },
};

// The level, message and fields of one entry, through its kind's formatter.
export function formatEntry(entry: LogEntry): { level: LogLevel; msg: string; fields: LogFields } {
  const format = LOG_KINDS[entry.kind] as KindFormat<LogEntry>;
  const level = typeof format.level === 'function' ? format.level(entry) : format.level;
  return { level, msg: format.message(entry), fields: format.fields ? format.fields(entry) : without(entry) };
}
