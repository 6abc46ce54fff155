// After every run (the nightly sync, each watch batch, test-sync): write the metrics file and
// send the notification the decision table asks for. Never throws: monitoring must not change
// what a run did or how it exits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/types.ts';
import { PROJECT_ROOT, secretsOf } from '../config/load.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { maskSecrets } from '../log/logger.ts';
import { readRunRecords } from '../report/records.ts';
import { decide, formatMessage, INITIAL_STATE, type NotifyState } from './message.ts';
import type { WatchTotals } from './metrics.ts';
import { deliver, targetsOf, type Fetch } from './notify.ts';
import type { Outcome } from './outcome.ts';

export interface MonitorDeps {
  readonly log: Logger;
  readonly watch?: boolean;
  readonly fetch?: Fetch;
  readonly now?: () => number;
  // Delivery retry backoff (tests shorten it).
  readonly backoffMs?: number;
}

export interface Monitor {
  afterRun(o: Outcome): Promise<void>;
  // Prometheus text: the last run's gauges (and, in watch mode, the totals since start).
  metricsText(): Promise<string>;
  readonly last: Outcome | undefined;
  // Resolves once every afterRun so far is done (a watch waits for it before it exits).
  settled(): Promise<void>;
}

export function notifyStateFile(config: Config): string {
  return path.join(path.dirname(config.lockFile), 'notify.json');
}

function readState(file: string): NotifyState {
  try {
    return { ...INITIAL_STATE, ...(JSON.parse(fs.readFileSync(file, 'utf8')) as NotifyState) };
  } catch {
    return INITIAL_STATE; // first run, or a file cut by a crash: start clean
  }
}

function lastSuccessAt(config: Config): string | undefined {
  return [...readRunRecords(config.logDir)].reverse().find((r) => !r.dryRun && r.status === 'ok')?.finishedAt;
}

export function createMonitor(config: Config, deps: MonitorDeps): Monitor {
  const m = config.monitor;
  const secrets = secretsOf(config);
  const now = deps.now ?? Date.now;
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
  const notify = async (o: Outcome) => {
    if (!m.telegram && !m.webhookUrl) return;
    const file = notifyStateFile(config);
    const d = decide(m.on, o, readState(file), { watch: deps.watch ?? false, repeatMs: m.repeatMs, now: now() });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(d.next) + '\n');
    if (!d.send) return void (o.ok || deps.log.write({ kind: 'notify.held', why: d.why, failures: d.next.failures }));
    const text = maskSecrets(
      formatMessage(o, d, {
        host: os.hostname(),
        project: PROJECT_ROOT,
        logFile: deps.log.files.human ?? config.logDir,
      }),
      secrets,
    );
    await deliver(targetsOf(m, text, o), d.why, {
      log: deps.log,
      secrets,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
    });
  };
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
