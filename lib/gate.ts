// The one dry-run gate: every action that changes something (bucket, object, cache, lock,
// container, crontab) goes through it; under --dry-run it only says what it would do.
import type { LogFields, Logger } from './log.ts';

export interface Gate {
  readonly dryRun: boolean;
  run<T>(action: string, fields: LogFields, fn: () => T | Promise<T>): Promise<T | undefined>;
}

export function createGate(options: { dryRun: boolean; log?: Logger }): Gate {
  return {
    dryRun: options.dryRun,
    async run(action, fields, fn) {
      if (options.dryRun) {
        options.log?.info('dry-run', `would ${action}`, fields);
        return undefined;
      }
      return fn();
    },
  };
}
