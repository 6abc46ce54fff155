// What a sync command's modes share: the configuration, the log, the gate, the Docker stages, the
// monitor, and the bucket with every retry logged.
import type { Config } from '../config/types.ts';
import { describeError } from '../errors.ts';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import type { Monitor } from '../monitor/monitor.ts';
import { createStorage } from '../storage/client.ts';
import type { ProcessStage } from '../sync/process/processing.ts';

export interface Wiring {
  readonly config: Config;
  readonly log: Logger;
  readonly gate: Gate;
  readonly prepare: () => Promise<void>;
  readonly process: ProcessStage;
  // Notes each new object as owed processing (when DJANGO_CONTAINER is set).
  readonly owe?: (key: string) => void;
  // Metrics and notifications after each run (none for a dry run).
  readonly monitor?: Monitor;
  // The summary as JSON on stdout (--json).
  readonly json: boolean;
  // A quiet terminal: watch mode keeps a live status line on stderr.
  readonly statusLine?: boolean;
}

// The configuration's warnings (unknown keys, a file of secrets others can read), logged first by
// every command that loads it whole.
export function logConfigWarnings(config: Config, log: Logger): Logger {
  for (const text of config.warnings ?? []) log.write({ kind: 'config.warning', text });
  return log;
}

// The bucket, every retry logged.
export function storageFor(config: Config, log: Logger) {
  return createStorage(config, (e, attempt, delayMs) =>
    log.write({ kind: 'retry', error: describeError(e), attempt, retries: config.retries, delayMs }),
  );
}
