// Watch mode as a process: run the watch until SIGTERM or SIGINT (systemd's stop, Ctrl-C). The
// first signal stops it gracefully (work in flight gets SYNC_STOP_TIMEOUT_SECONDS), a second
// ends the process at once; SIGHUP asks for a rescan now.
import os from 'node:os';
import type { Config } from '../config/load.ts';
import { Watch, type WatchDeps, type WatchEnd } from './service.ts';

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface WatchProcess {
  readonly signals?: SignalSource;
  // Ends the process (after a second signal, or once in-flight work was abandoned).
  readonly exit?: (code: number) => void;
}

export async function watchUntilSignalled(config: Config, deps: WatchDeps, p: WatchProcess = {}): Promise<WatchEnd> {
  const signals = p.signals ?? process;
  const exit = p.exit ?? ((code: number) => process.exit(code));
  const watch = new Watch(config, deps).start();
  let stopping = false;
  const handlers = (['SIGTERM', 'SIGINT'] as const).map((signal) => {
    const handler = () => {
      if (!stopping) {
        stopping = true;
        void watch.stop(signal);
        return;
      }
      deps.log.write({ kind: 'watch.stopped', reason: `second ${signal}`, abandoned: true, owed: 0 });
      exit(128 + os.constants.signals[signal]);
    };
    signals.on(signal, handler);
    return [signal, handler] as const;
  });
  const hup = () => watch.wantRescan('SIGHUP');
  signals.on('SIGHUP', hup);
  try {
    return await watch.done;
  } finally {
    for (const [signal, handler] of handlers) signals.off(signal, handler);
    signals.off('SIGHUP', hup);
  }
}
