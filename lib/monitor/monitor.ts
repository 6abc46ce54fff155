// After every run (the nightly sync, each watch batch, test-sync): write the metrics file and
// send the notification the decision table asks for. Never throws: monitoring must not change
// what a run did or how it exits.
import type { MonitorSettings } from '../config/types.ts';
import { secretsOf } from '../config/load.ts';
import { describeError } from '../errors.ts';
import { maskSecrets } from '../log/logger.ts';
import { readRunRecords } from '../report/records.ts';
import type { WatchTotals } from './metrics.ts';
import { createNotifier, type NotifierDeps } from './notifier.ts';
import type { Outcome } from './outcome.ts';

export type MonitorDeps = NotifierDeps;

export interface Monitor {
  afterRun(o: Outcome): Promise<void>;
  // Prometheus text: the last run's gauges (and, in watch mode, the totals since start).
  metricsText(): Promise<string>;
  readonly last: Outcome | undefined;
  // Resolves once every afterRun so far is done (a watch waits for it before it exits).
  settled(): Promise<void>;
}

function lastSuccessAt(config: MonitorSettings): string | undefined {
  return [...readRunRecords(config.logDir)].reverse().find((r) => !r.dryRun && r.status === 'ok')?.finishedAt;
}

export function createMonitor(config: MonitorSettings, deps: MonitorDeps): Monitor {
  const m = config.monitor;
  const secrets = secretsOf(config);
  // prom-client (12 MB) loaded on first use: by a watch (its totals) or a run writing metrics.
  let metricsModule: Promise<typeof import('./metrics.ts')> | undefined;
  const metrics = () => (metricsModule ??= import('./metrics.ts'));
  const totals: Promise<WatchTotals> | undefined = deps.watch ? metrics().then((x) => new x.WatchTotals()) : undefined;
  let last: Outcome | undefined;
  // The last successful run's end: read from the run records once, then kept as runs succeed
  // (a watch's /metrics is scraped every few seconds; the records file grows all day).
  let lastSuccess: { at: string | undefined } | undefined;
  let chain: Promise<void> = Promise.resolve(); // one at a time: the state file is read, then written
  const metricsText = async () => {
    const counters = await totals;
    if (!last) return counters ? counters.registry.metrics() : '';
    lastSuccess ??= { at: lastSuccessAt(config) };
    const gauges = await (
      await metrics()
    )
      .lastRunRegistry({ last, ...(lastSuccess.at ? { lastSuccessAt: lastSuccess.at } : {}) })
      .metrics();
    return counters ? gauges + (await counters.registry.metrics()) : gauges;
  };
  const notify = createNotifier(config, deps);
  return {
    get last() {
      return last;
    },
    metricsText,
    settled: () => chain,
    afterRun(o) {
      last = o;
      if (o.ok && o.source !== 'test-sync') lastSuccess = { at: o.at };
      chain = chain.then(async () => {
        (await totals)?.add(o);
        await record(o);
      });
      return chain;
    },
  };

  async function record(o: Outcome): Promise<void> {
    try {
      if (m.metricsFile && o.source !== 'test-sync')
        (await metrics()).writeMetricsFile(m.metricsFile, await metricsText());
    } catch (e) {
      deps.log.write({ kind: 'metrics.failed', file: m.metricsFile, error: maskSecrets(describeError(e), secrets) });
    }
    try {
      await notify(o);
    } catch (e) {
      deps.log.write({
        kind: 'notify.failed',
        target: 'notifications',
        attempts: 0,
        error: maskSecrets(describeError(e), secrets),
      });
    }
  }
}
