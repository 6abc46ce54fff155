// Log kinds of a run as a whole and of its state: start and end, the lock, the bucket, the old
// system's cache, retention, the dry-run gate, retries, the hash cache.
import { phrase } from '../humanize.ts';
import { without, type KindFormats, type LogFields } from './kind-format.ts';

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

export type RunEntry =
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
  | { readonly kind: 'config.warning'; readonly text: string }
  | { readonly kind: 'run.stopping'; readonly signal: string; readonly graceSeconds: number }
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
  | { readonly kind: 'dry-run'; readonly action: string; readonly target: LogFields }
  | {
      readonly kind: 'retry';
      readonly error: string;
      readonly attempt: number;
      readonly retries: number;
      readonly delayMs: number;
    }
  | { readonly kind: 'cache.unreadable'; readonly file: string; readonly error: string; readonly aside?: string }
  | {
      readonly kind: 'cache.other-destination';
      readonly file: string;
      readonly error: string;
      readonly destination: string;
      readonly aside?: string;
    }
  | {
      readonly kind: 'cache.other-destination-proven';
      readonly file: string;
      readonly madeFor: string;
      readonly destination: string;
    }
  | { readonly kind: 'bucket.unproven'; readonly path: string; readonly key: string; readonly detail?: string }
  | { readonly kind: 'bucket.unproven-more'; readonly count: number }
  | { readonly kind: 'cache.journal-torn'; readonly file: string; readonly lines: number };

export const RUN_KINDS: KindFormats<RunEntry> = {
  'run.start': {
    level: 'info',
    message: (e) =>
      phrase(
        'sync starting',
        e.dryRun && ' (dry run: nothing will be written)',
        e.force && ' (--force: re-uploading everything)',
      ),
    fields: (e) => without(e, 'dryRun', 'force'),
  },
  'run.summary': { level: 'info', message: (e) => `sync ${e.status}`, fields: (e) => without(e, 'status') },
  'run.stopping': {
    level: 'warn',
    message: (e) =>
      `${e.signal}: stopping; no new file is started, the ones in flight get ${e.graceSeconds} s ` +
      '(a second signal stops at once)',
    fields: () => ({}),
  },
  'run.error': { level: 'error', message: (e) => e.error, fields: () => ({}) },
  'config.warning': { level: 'warn', message: (e) => e.text, fields: () => ({}) },
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
      phrase(
        `removed ${e.logFiles} dated log file(s) and ${e.runRecords} run record(s) older than ${e.days} days`,
        e.cronLogCut && '; cut cron.log to its last 1 MiB',
      ),
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
  'bucket.created': {
    level: 'warn',
    message: (e) =>
      `bucket ${e.bucket} did not exist: created it (if MINIO_BUCKET is mistyped, correct it: ` +
      'the next run sends every file to the bucket named, whatever the cache says)',
    fields: () => ({}),
  },
  'dry-run': { level: 'info', message: (e) => `would ${e.action}`, fields: (e) => ({ ...e.target }) },
  retry: {
    level: 'warn',
    message: (e) => `request failed (${e.error}); retry ${e.attempt}/${e.retries} in ${e.delayMs} ms`,
    fields: () => ({}),
  },
  'cache.unreadable': {
    level: 'warn',
    message: (e) =>
      phrase(
        `hash cache could not be read (${e.error}); `,
        e.aside ? 'moved aside, the bucket check will rebuild it' : 'ignoring it for this dry run',
      ),
    fields: (e) => without(e, 'error'),
  },
  'cache.other-destination': {
    level: 'warn',
    message: (e) =>
      phrase(
        `the hash cache was ${e.error}, not for ${e.destination}: `,
        e.aside ? 'moved aside; every file is proven against this bucket' : 'ignored for this dry run',
      ),
    fields: (e) => ({ file: e.file, ...(e.aside ? { aside: e.aside } : {}) }),
  },
  'cache.other-destination-proven': {
    level: 'info',
    message: (e) =>
      `the hash cache was made for ${e.madeFor}, not for ${e.destination}: ` +
      'its entries count only where this bucket proves them (key, size, ETag)',
    fields: (e) => ({ file: e.file }),
  },
  'bucket.unproven': {
    level: 'warn',
    message: (e) =>
      e.detail
        ? `${e.key} changed in the bucket (${e.detail}): replacing it with the file's bytes`
        : `${e.key} is no longer in the bucket: sending it again`,
    fields: (e) => ({ path: e.path, key: e.key }),
  },
  'bucket.unproven-more': {
    level: 'warn',
    message: (e) => `and ${e.count} more object(s) the bucket no longer holds as recorded`,
    fields: () => ({}),
  },
  'cache.journal-torn': {
    level: 'warn',
    message: (e) => `skipped ${e.lines} damaged journal line(s), probably cut by a crash`,
    fields: (e) => ({ file: e.file }),
  },
};
