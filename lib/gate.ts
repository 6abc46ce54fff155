// The one dry-run gate: every action of a sync that changes something (bucket, object, cache
// entry and snapshot, run record, container start, docker exec) goes through it; under
// --dry-run it only logs what it would do. (The lock is not taken at all in a dry run, and
// install-cron's --dry-run prints the crontab it would write instead of writing it.)
import type { LogFields, Logger } from './log/logger.ts';

export interface Gate {
  readonly dryRun: boolean;
  run<T>(action: string, target: LogFields, fn: () => T | Promise<T>): Promise<T | undefined>;
}

export function createGate(options: { dryRun: boolean; log?: Logger }): Gate {
  return {
    dryRun: options.dryRun,
    async run(action, target, fn) {
      if (options.dryRun) {
        options.log?.write({ kind: 'dry-run', action, target });
        return undefined;
      }
      return fn();
    },
  };
}
