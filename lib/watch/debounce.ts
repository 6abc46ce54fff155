// When watch mode runs the processing command: once uploads have been quiet for `debounceMs`,
// never while it already runs, and at most once per `minIntervalMs`. A run that fails is owed
// again and retried no sooner than the interval (and a minute) later.
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ProcessScheduler {
  // `count` objects were uploaded just now.
  uploaded(count: number): void;
  // Objects uploaded and not yet processed.
  readonly owed: number;
  stop(): void;
}

export interface SchedulerOptions {
  readonly debounceMs: number;
  readonly minIntervalMs: number;
  readonly now: () => number;
  // Run the processing for `count` new objects; true when it succeeded.
  readonly run: (count: number) => Promise<boolean>;
  readonly timers?: Timers;
}

const FAILURE_RETRY_MS = 60_000;

export function createProcessScheduler(o: SchedulerOptions): ProcessScheduler {
  const timers = o.timers ?? realTimers;
  let owed = 0;
  let lastUploadAt = -Infinity;
  let nextAllowedAt = -Infinity;
  let running = false;
  let stopped = false;
  let timer: unknown;
  const arm = () => {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    if (running || stopped || owed === 0) return;
    const at = Math.max(lastUploadAt + o.debounceMs, nextAllowedAt);
    timer = timers.set(() => void fire(), Math.max(0, at - o.now()));
  };
  const fire = async () => {
    timer = undefined;
    running = true;
    const count = owed;
    owed = 0;
    nextAllowedAt = o.now() + o.minIntervalMs;
    const ok = await o.run(count).catch(() => false);
    if (!ok) {
      owed += count;
      nextAllowedAt = Math.max(nextAllowedAt, o.now() + FAILURE_RETRY_MS);
    }
    running = false;
    arm();
  };
  return {
    uploaded(count) {
      if (count <= 0) return;
      owed += count;
      lastUploadAt = o.now();
      arm();
    },
    get owed() {
      return owed;
    },
    stop() {
      stopped = true;
      arm();
    },
  };
}
