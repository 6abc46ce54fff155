// Delivery: the Telegram Bot API's sendMessage and a JSON webhook. Each is tried a few times
// (the one retry policy); a message that cannot be delivered is logged, never thrown, so it can
// never change a run's exit code. The bot token sits in the URL path: every error is masked.
import type { Sleep } from '../clock.ts';
import type { MonitorConfig } from '../config/types.ts';
import { DeliveryError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { maskSecrets } from '../log/logger.ts';
import { withRetry } from '../retry.ts';

export type Fetch = typeof fetch;

export interface DeliveryOptions {
  readonly log: Logger;
  readonly secrets: readonly string[];
  readonly fetch?: Fetch;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: Sleep;
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly body: unknown;
  // The endpoint answered: did it take the message?
  readonly accepted: (status: number, text: string) => boolean;
}

export function targetsOf(config: MonitorConfig, text: string, payload: unknown): Target[] {
  const out: Target[] = [];
  const t = config.telegram;
  if (t) {
    out.push({
      name: 'Telegram',
      url: `${t.apiUrl}/bot${t.token}/sendMessage`,
      body: { chat_id: t.chatId, text, disable_web_page_preview: true },
      accepted: (status, body) => status === 200 && /"ok"\s*:\s*true/.test(body),
    });
  }
  if (config.webhookUrl)
    out.push({
      name: 'the webhook',
      url: config.webhookUrl,
      body: { text, run: payload },
      accepted: (status) => status >= 200 && status < 300,
    });
  return out;
}

// One POST; a refusal or a network failure is a DeliveryError saying whether to try again (a
// server error, a rate limit or the network: yes; any other refusal, e.g. a wrong token: no).
async function post(t: Target, o: DeliveryOptions): Promise<void> {
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(t.body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  } catch (e) {
    throw new DeliveryError(reason(e), { cause: e, retryable: true });
  }
  const text = await res.text();
  if (t.accepted(res.status, text)) return;
  const retryable = res.status >= 500 || res.status === 429;
  throw new DeliveryError(`HTTP ${res.status}: ${text.slice(0, 200)}`, { retryable });
}

function reason(e: unknown): string {
  const err = e as Error & { cause?: Error };
  return err.cause?.message ? `${err.message} (${err.cause.message})` : String(err?.message ?? e);
}

// Send to every target, each tried per the one retry policy; returns the names of those that took it.
export async function deliver(targets: readonly Target[], why: string, o: DeliveryOptions): Promise<string[]> {
  const attempts = o.attempts ?? 3;
  const delivered: string[] = [];
  await Promise.all(
    targets.map(async (t) => {
      let made = 0;
      const policy = {
        retries: attempts - 1,
        baseMs: o.backoffMs ?? 1000,
        jitter: false,
        ...(o.sleep ? { sleep: o.sleep } : {}),
      };
      try {
        await withRetry(() => (made++, post(t, o)), policy);
        o.log.write({ kind: 'notify.sent', target: t.name, why });
        delivered.push(t.name);
      } catch (e) {
        const error = maskSecrets((e as Error).message, o.secrets);
        o.log.write({ kind: 'notify.failed', target: t.name, attempts: made, error });
      }
    }),
  );
  return delivered;
}
