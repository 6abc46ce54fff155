// lib/monitor/server.ts: a real HTTP server on 127.0.0.1 (port 0), read with fetch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMonitorServer } from '../../lib/monitor/server.ts';

test('/metrics in the Prometheus content type, /healthz 200 or 503, /status as HTML, others 404, GET only', async () => {
  let ok = true;
  const s = await startMonitorServer({ host: '127.0.0.1', port: 0 }, { metrics: async () => 'telegram_sync_up 1\n', healthy: () => ({ ok, detail: 'last batch' }), status: () => '<!doctype html><title>s</title>' });
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const m = await fetch(`${s.url}metrics`);
    assert.equal([m.status, m.headers.get('content-type'), await m.text()], [200, 'text/plain; version=0.0.4; charset=utf-8', 'telegram_sync_up 1\n']);
    assert.equal([(await fetch(`${s.url}healthz`)).status], [200]);
    ok = false;
    const h = await fetch(`${s.url}healthz`);
    assert.equal([h.status, await h.text()], [503, 'failing: last batch\n']);
    const page = await fetch(`${s.url}status`);
    assert.equal([page.status, page.headers.get('content-type')], [200, 'text/html; charset=utf-8']);
    assert.is((await fetch(`${s.url}nope`)).status, 404);
    assert.is((await fetch(`${s.url}metrics`, { method: 'POST' })).status, 405);
  } finally {
    await s.close();
  }
});

test('an address already taken is an error, not a silent no-op', async () => {
  const a = await startMonitorServer({ host: '127.0.0.1', port: 0 }, { metrics: async () => '', healthy: () => ({ ok: true, detail: '' }), status: () => '' });
  try {
    const port = Number(new URL(a.url).port);
    const e = await startMonitorServer({ host: '127.0.0.1', port }, { metrics: async () => '', healthy: () => ({ ok: true, detail: '' }), status: () => '' }).then(() => undefined, (x: unknown) => x);
    assert.match(String((e as Error)?.message), /EADDRINUSE/);
  } finally {
    await a.close();
  }
});

test.run();
