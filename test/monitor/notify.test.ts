// lib/monitor/notify.ts against a local Bot API and webhook server on 127.0.0.1 (the real API is
// on the internet, out of reach here): bodies, retries, and a server that is down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import type { MonitorConfig } from '../../lib/config/types.ts';
import { deliver, targetsOf } from '../../lib/monitor/notify.ts';
import { startNotifyServer } from '../support/notify-server.ts';

const TOKEN = '123456789:AAHs3cr3t-t0ken_value';
const config = (apiUrl: string, webhookUrl = ''): MonitorConfig => ({
  telegram: { token: TOKEN, chatId: '-1001234567890', apiUrl },
  webhookUrl,
  on: 'failure',
  repeatMs: 3600_000,
  metricsFile: '',
  listen: undefined,
  metricsToken: '',
});

test('sendMessage gets the chat and the text; the webhook gets {text, run}; both logged as sent', async () => {
  const s = await startNotifyServer(TOKEN);
  try {
    const log = createMemoryLogger();
    const sent = await deliver(targetsOf(config(s.apiUrl, s.webhookUrl), 'hello', { exitCode: 5 }), 'the run failed', {
      log,
      secrets: [TOKEN],
    });
    assert.equal(sent.sort(), ['Telegram', 'the webhook']);
    assert.equal(
      s.telegram().map((r) => [r.path, r.body.chat_id, r.body.text]),
      [[`/bot${TOKEN}/sendMessage`, '-1001234567890', 'hello']],
    );
    assert.equal(
      s.webhook().map((r) => r.body),
      [{ text: 'hello', run: { exitCode: 5 } }],
    );
    assert.is(log.records.filter((r) => r.kind === 'notify.sent').length, 2);
  } finally {
    await s.close();
  }
});

test('a flaky API is retried; an API that refuses or a server that is down is logged, masked, never thrown', async () => {
  const s = await startNotifyServer(TOKEN);
  const log = createMemoryLogger();
  s.failNext(2);
  assert.equal(await deliver(targetsOf(config(s.apiUrl), 'x', {}), 'why', { log, secrets: [TOKEN], backoffMs: 10 }), [
    'Telegram',
  ]);
  assert.is(s.telegram().length, 1, 'delivered once, on the third attempt');
  const wrongToken = targetsOf(
    { ...config(s.apiUrl), telegram: { token: 'bad', chatId: '1', apiUrl: s.apiUrl } },
    'x',
    {},
  );
  assert.equal(await deliver(wrongToken, 'why', { log, secrets: [], attempts: 1 }), []);
  assert.match(
    String(log.records.at(-1)?.msg),
    /not delivered to Telegram after 1 attempt\(s\): HTTP 401: .*Unauthorized/,
  );
  await s.close();
  const down = await deliver(targetsOf(config(s.apiUrl, s.webhookUrl), 'x', {}), 'why', {
    log,
    secrets: [TOKEN, s.webhookUrl],
    backoffMs: 10,
  });
  assert.equal(down, []);
  const failed = log.records.filter((r) => r.kind === 'notify.failed').slice(-2);
  assert.is(failed.length, 2);
  for (const r of failed)
    assert.match(
      String(r.msg),
      /after 3 attempt\(s\): fetch failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); the run's exit code is unchanged/,
    );
  assert.not.ok(JSON.stringify(log.records).includes(TOKEN), 'the token is in no log record');
});

test.run();
