// One error hierarchy for the toolkit; only scripts turn these into exit codes (see EXIT_CODES).

export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  config: 2,
  partial: 3,
  lockHeld: 4,
  storageUnreachable: 5,
  docker: 6,
  processing: 7,
  unhealthy: 8,
  cron: 9,
  watch: 10,
  service: 11,
  source: 12,
  interrupted: 13,
  stateDisk: 14,
  check: 15,
} as const;

// What each exit code means, in a few words (notifications and the status page say it).
export const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  0: 'everything done',
  1: 'unexpected error (a bug)',
  2: 'bad configuration or credentials',
  3: 'some files failed or were conflicts',
  4: 'another run held the lock',
  5: 'the S3 server could not be reached or stopped answering',
  6: 'Docker or a container failed',
  7: 'the processing command failed',
  8: 'a health check failed',
  9: 'the crontab could not be changed',
  10: 'the inotify limit is reached',
  11: 'the systemd unit could not be installed',
  12: 'a download folder is missing, unreadable or not mounted',
  13: 'stopped by a signal',
  14: 'the state disk is full or read-only',
  15: '--check found local files missing or different in the bucket',
};

// "(2 problems):" and one indented line per problem.
export function problemList(problems: readonly string[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return `(${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

// Base class: `exitCode` says how a script should end, `retryable` whether trying the same thing
// again soon can help (read by withRetry in lib/retry.ts, as rclone's fserrors.ShouldRetry is),
// `fatal` that no retry, now or later, can: a person has to mend it (rclone's FatalError).
export class SyncError extends Error {
  readonly exitCode: number = EXIT_CODES.internal;
  readonly retryable: boolean = false;
  readonly fatal: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends SyncError {
  override readonly exitCode = EXIT_CODES.config;
  override readonly fatal = true;
  readonly problems: readonly string[];
  constructor(problems: readonly string[], heading = 'Invalid configuration') {
    super(`${heading} ${problemList(problems)}`);
    this.problems = problems;
  }
}

export class UsageError extends SyncError {
  override readonly exitCode = EXIT_CODES.config;
  override readonly fatal = true;
}

// A live run holds the lock: waiting for it can help.
export class LockHeldError extends SyncError {
  override readonly exitCode = EXIT_CODES.lockHeld;
  override readonly retryable: boolean = true;
}

// The lock names a run on another host: waiting here cannot tell when it ends.
export class ForeignLockError extends LockHeldError {
  override readonly retryable = false;
}

export class StorageUnreachableError extends SyncError {
  override readonly exitCode = EXIT_CODES.storageUnreachable;
  override readonly retryable = true;
}

// The S3 server accepts connections but stopped answering (nothing received for the request timeout).
export class StorageStalledError extends StorageUnreachableError {}

// The endpoint and the server disagree on how to talk (https to a plain-HTTP server, or the
// reverse) or the server's TLS certificate is refused: MINIO_ENDPOINT or the machine's CA list
// must change, so no retry or other file can help.
export class StorageEndpointError extends SyncError {
  override readonly exitCode = EXIT_CODES.config;
  override readonly fatal = true;
}

// A request to the S3 server failed; `code` is the server's error code (NoSuchKey, AccessDenied…).
// The S3 server refused the credentials or their rights: a configuration problem, not a file's.
export class StorageAuthError extends SyncError {
  override readonly exitCode = EXIT_CODES.config;
  override readonly fatal = true;
}

export class StorageError extends SyncError {
  override readonly exitCode = EXIT_CODES.partial;
  override readonly retryable: boolean;
  readonly code: string | undefined;
  constructor(message: string, options: { cause?: unknown; retryable?: boolean; code?: string } = {}) {
    super(message, options);
    this.retryable = options.retryable ?? false;
    this.code = options.code;
  }
}

export class UploadError extends StorageError {}

export class VerificationError extends StorageError {}

// Some files of the run could not be synced; the rest were. Carries the run summary.
export class PartialFailureError extends SyncError {
  override readonly exitCode = EXIT_CODES.partial;
}

export class DockerError extends SyncError {
  override readonly exitCode = EXIT_CODES.docker;
}

export class DockerCliMissingError extends DockerError {}

export class DockerDaemonUnreachableError extends DockerError {}

export class ContainerMissingError extends DockerError {}

export class ContainerStartError extends DockerError {}

export class ProcessingError extends SyncError {
  override readonly exitCode = EXIT_CODES.processing;
}

// A notification that could not be delivered (logged; it never changes a run's exit code).
export class DeliveryError extends SyncError {
  override readonly retryable: boolean;
  constructor(message: string, options: { cause?: unknown; retryable: boolean }) {
    super(message, options);
    this.retryable = options.retryable;
  }
}

export class CronError extends SyncError {
  override readonly exitCode = EXIT_CODES.cron;
}

// install-service could not verify, write or (re)start the systemd unit.
export class ServiceError extends SyncError {
  override readonly exitCode = EXIT_CODES.service;
}

// A download folder is missing, unreadable, or was a mount point and is not now.
export class SourceError extends SyncError {
  override readonly exitCode = EXIT_CODES.source;
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `download folders: ${problems.join('; ')}`);
  }
}

// `sync --check` found local files the bucket does not hold as they are.
export class CheckFailedError extends SyncError {
  override readonly exitCode = EXIT_CODES.check;
}

// A one-shot run stopped by SIGTERM, SIGINT or SIGHUP (what finished is recorded).
export class InterruptedError extends SyncError {
  override readonly exitCode = EXIT_CODES.interrupted;
}

// The disk holding the state (cache, journal, lock, logs) is full, over quota or read-only.
export class StateDiskError extends SyncError {
  override readonly exitCode = EXIT_CODES.stateDisk;
}

const STATE_DISK_CODES: Readonly<Record<string, string>> = {
  ENOSPC: 'is full',
  EDQUOT: 'is over its quota',
  EROFS: 'is read-only',
};

// A write of `file` that failed because of its disk, as the one error that names it; else undefined.
export function stateDiskError(e: unknown, file: string): StateDiskError | undefined {
  if (e instanceof StateDiskError) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  const what = typeof code === 'string' ? STATE_DISK_CODES[code] : undefined;
  if (!what) return undefined;
  return new StateDiskError(`the disk holding ${file} ${what} (${code}): free space there, then run again`, {
    cause: e,
  });
}

// `--watch` cannot watch the download tree: the kernel's inotify limits are reached.
export class WatchLimitError extends SyncError {
  override readonly exitCode = EXIT_CODES.watch;
  override readonly fatal = true;
}

// The exit code a script should end with for any thrown value.
export function exitCodeFor(error: unknown): number {
  return error instanceof SyncError ? error.exitCode : EXIT_CODES.internal;
}

// A one-line-per-cause description: message, then each `cause` in turn.
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(
        `${current.message}${typeof code === 'string' && !current.message.includes(code) ? ` [${code}]` : ''}`,
      );
      current = current.cause;
    } else if (typeof current === 'string') {
      parts.push(current);
      break;
    } else break;
  }
  return parts.join(': caused by: ');
}

// Errors already shown on the terminal (a run's log line said it): the script's runner then
// prints nothing more, so each error is printed once.
const reported = new WeakSet<object>();

export function markReported(error: unknown): void {
  if (error && typeof error === 'object') reported.add(error);
}

export function wasReported(error: unknown): boolean {
  return !!error && typeof error === 'object' && reported.has(error);
}
