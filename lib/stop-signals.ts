// A one-shot run and the signals that stop it (SIGTERM from systemd or `timeout`, SIGINT from
// Ctrl-C, SIGHUP from a closing terminal): the first stops new work and gives what is in flight a
// grace; when the grace is over (or a second signal comes) the run is abandoned: the caller records
// why, lets the lock go and ends the process. What finished is recorded either way.
import type { SignalSource } from './watch/signals.ts';

export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StopSignals {
  // The signal that stopped the run, once one came.
  signal(): StopSignal | undefined;
  dispose(): void;
}

export function catchStopSignals(o: {
  readonly graceMs: number;
  readonly onStop: (signal: StopSignal) => void;
  readonly onAbandon: (signal: StopSignal) => void;
  readonly signals?: SignalSource;
}): StopSignals {
  const signals = o.signals ?? process;
  let caught: StopSignal | undefined;
  let grace: NodeJS.Timeout | undefined;
  const handlers = STOP_SIGNALS.map((s) => {
    const handler = () => {
      if (caught) return o.onAbandon(caught);
      caught = s;
      o.onStop(s);
      grace = setTimeout(() => o.onAbandon(s), o.graceMs);
      grace.unref();
    };
    signals.on(s, handler);
    return [s, handler] as const;
  });
  return {
    signal: () => caught,
    dispose() {
      clearTimeout(grace);
      for (const [s, h] of handlers) signals.off(s, h);
    },
  };
}
