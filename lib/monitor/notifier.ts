// Whether a run's outcome is notified, and the notification sent: the decision table
// (./message.ts) over what was last sent (state/notify.json), the message masked, then delivered
// (./notify.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, secretsOf } from '../config/load.ts';
import type { MonitorSettings } from '../config/types.ts';
import { maskSecrets, type Logger } from '../log/logger.ts';
import { decide, formatMessage, INITIAL_STATE, type NotifyState } from './message.ts';
import { deliver, targetsOf, type Fetch } from './notify.ts';
import type { Outcome } from './outcome.ts';

export interface NotifierDeps {
  readonly log: Logger;
  readonly watch?: boolean;
  readonly fetch?: Fetch;
  readonly now?: () => number;
  // Delivery retry backoff (tests shorten it).
  readonly backoffMs?: number;
}

export function notifyStateFile(config: Pick<MonitorSettings, 'lockFile'>): string {
  return path.join(path.dirname(config.lockFile), 'notify.json');
}

function readState(file: string): NotifyState {
  try {
    return { ...INITIAL_STATE, ...(JSON.parse(fs.readFileSync(file, 'utf8')) as NotifyState) };
  } catch {
    return INITIAL_STATE; // first run, or a file cut by a crash: start clean
  }
}

function writeState(file: string, state: NotifyState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(state) + '\n');
}

// The state after a message that reached no target: its outcome counted, the message owed.
function notSent(next: NotifyState, prev: NotifyState): NotifyState {
  const { lastSentAt: _decided, ...rest } = next;
  return { ...rest, ...(prev.lastSentAt ? { lastSentAt: prev.lastSentAt } : {}), undelivered: true };
}

export function createNotifier(config: MonitorSettings, deps: NotifierDeps): (o: Outcome) => Promise<void> {
  const m = config.monitor;
  const secrets = secretsOf(config);
  const now = deps.now ?? Date.now;
  return async (o) => {
    if (!m.telegram && !m.webhookUrl) return;
    const file = notifyStateFile(config);
    const prev = readState(file);
    const d = decide(m.on, o, prev, { watch: deps.watch ?? false, repeatMs: m.repeatMs, now: now() });
    if (!d.send) {
      writeState(file, d.next);
      if (!o.ok) deps.log.write({ kind: 'notify.held', why: d.why, failures: d.next.failures });
      return;
    }
    const where = { host: os.hostname(), project: PROJECT_ROOT, logFile: deps.log.files.human ?? config.logDir };
    const text = maskSecrets(formatMessage(o, d, where), secrets);
    const delivered = await deliver(targetsOf(m, text, o), d.why, {
      log: deps.log,
      secrets,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
    });
    // A message no target took was not sent: the next outcome tries again, and no hold counts it.
    writeState(file, delivered.length ? d.next : notSent(d.next, prev));
  };
}
