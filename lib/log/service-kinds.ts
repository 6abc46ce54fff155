// Log kinds around the sync: containers, the processing command, watch mode, notifications and
// metrics.
import { phrase } from '../humanize.ts';
import { without, type KindFormats } from './kind-format.ts';

export type ServiceEntry =
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
  | { readonly kind: 'metrics.listening'; readonly url: string; readonly exposed: boolean; readonly token: boolean };

export const SERVICE_KINDS: KindFormats<ServiceEntry> = {
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
      phrase(
        `watching ${e.dirs.join(', ')}: files still for ${e.stableSeconds} s are synced; `,
        `a full rescan every ${e.rescanMinutes} min`,
      ),
    fields: () => ({}),
  },
  'watch.ready': { level: 'info', message: (e) => `caught up; watching ${e.watched} folder(s)`, fields: () => ({}) },
  'watch.rescan': {
    level: (e) => (e.ok ? 'info' : 'warn'),
    message: (e) =>
      phrase(
        `${e.reason} rescan ${e.ok ? 'done' : 'failed'}: `,
        `${e.complete} complete file(s), ${e.new} new; ${e.watched} folder(s) watched`,
      ),
    fields: (e) => ({ unwatched: e.unwatched, durationMs: e.durationMs }),
  },
  'watch.missed': {
    level: 'warn',
    message: (e) =>
      phrase(
        `the rescan found ${e.count} file(s) the folder events had missed `,
        '(the kernel drops events when its queue is full: fs.inotify.max_queued_events)',
      ),
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
      phrase(
        `stopped (${e.reason})`,
        e.error && `: ${e.error}`,
        e.abandoned && '; uploads in flight were abandoned, not recorded: the next start sends them',
        e.owed > 0 && `; processing of ${e.owed} object(s) is owed to the next run`,
      ),
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
      phrase(
        `the notification was not delivered to ${e.target} after ${e.attempts} attempt(s): ${e.error}; `,
        "the run's exit code is unchanged",
      ),
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
    level: (e) => (e.exposed && !e.token ? 'warn' : 'info'),
    message: (e) =>
      phrase(
        `serving ${e.url}metrics, ${e.url}healthz and ${e.url}status`,
        e.token && ' (/metrics and /status need the bearer token; /healthz is open)',
        e.exposed &&
          !e.token &&
          ': not a loopback address, so anyone who reaches it reads the runs, the bucket and the file ' +
            'names; set SYNC_METRICS_TOKEN, or listen on 127.0.0.1',
      ),
    fields: () => ({}),
  },
};
