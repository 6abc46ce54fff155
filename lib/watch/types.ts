// Watch mode's vocabulary: what it is given (its side effects) and how it ends.
import type { Now } from '../clock.ts';
import type { Gate } from '../gate.ts';
import type { HeldLock } from '../lock/lock.ts';
import type { Logger } from '../log/logger.ts';
import type { RunSummary } from '../report/summary.ts';
import type { Storage } from '../storage/types.ts';
import type { ProcessStage } from '../sync/process/processing.ts';
import type { Timers } from './debounce.ts';
import type { WatchFn } from './dir-watchers.ts';

export interface WatchDeps {
  readonly storage: Storage;
  readonly log: Logger;
  readonly gate: Gate;
  // Processing for `count` new objects (run under the lock).
  readonly process?: ProcessStage;
  readonly prepare?: () => Promise<void>;
  // Notes each new object as owed processing before it is recorded (../sync/process/owed.ts).
  readonly owe?: (key: string) => void;
  readonly onRun?: (summary: RunSummary | undefined, error?: unknown) => void; // each batch's end (monitoring)
  readonly lock?: (file: string) => Promise<HeldLock>;
  readonly watch?: WatchFn;
  readonly now?: Now;
  readonly timers?: Timers;
}

export interface WatchEnd {
  readonly reason: string;
  // Uploads were still in flight when the stop bound ran out: they were left unrecorded.
  readonly abandoned: boolean;
  readonly exitCode: number;
  readonly error?: unknown;
}
