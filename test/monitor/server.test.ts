// lib/monitor/server.ts: a real HTTP server on 127.0.0.1 (port 0), read with fetch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../lib/config/load.ts';
import { ConfigError } from '../../lib/errors.ts';
import { formatEntry } from '../../lib/log/kinds.ts';
import { createMemoryLogger } from '../../lib/log/logger.ts';
import { createMonitor } from '../../lib/monitor/monitor.ts';
import {
  isLoopback,
  METRICS_CONTENT_TYPE,
  startMonitorServer,
  startWatchMonitorServer,
} from '../../lib/monitor/server.ts';
import { Registry } from 'prom-client';
import { tempDir } from '../support/env.ts';

test("the /metrics content type is prom-client's own", () => {
  assert.is(METRICS_CONTENT_TYPE, Registry.PROMETHEUS_CONTENT_TYPE);
});

test('/metrics in the Prometheus content type, /healthz 200 or 503, /status as HTML, others 404, GET only', async () => {
  let ok = true;
  const s = await startMonitorServer(
    { host: '127.0.0.1', port: 0 },
    {
      metrics: async () => 'telegram_sync_up 1\n',
      healthy: () => ({ ok, detail: 'last batch' }),
      status: () => '<!doctype html><title>s</title>',
    },
  );
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const m = await fetch(`${s.url}metrics`);
    assert.equal(
      [m.status, m.headers.get('content-type'), await m.text()],
      [200, 'text/plain; version=0.0.4; charset=utf-8', 'telegram_sync_up 1\n'],
    );
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

test('an address already taken is an error, not a silent no-op; for the watch, a configuration error naming the key', async () => {
  const a = await startMonitorServer(
    { host: '127.0.0.1', port: 0 },
    { metrics: async () => '', healthy: () => ({ ok: true, detail: '' }), status: () => '' },
  );
  try {
    const port = Number(new URL(a.url).port);
    const e = await startMonitorServer(
      { host: '127.0.0.1', port },
      { metrics: async () => '', healthy: () => ({ ok: true, detail: '' }), status: () => '' },
    ).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.match(String((e as Error)?.message), /EADDRINUSE/);
    const dir = tempDir('listen');
    fs.mkdirSync(path.join(dir, 'dl'));
    const config = loadConfig({
      envFile: path.join(dir, 'none.env'),
      env: {
        MINIO_ENDPOINT: 'http://127.0.0.1:9',
        MINIO_ACCESS_KEY: 'ak',
        MINIO_SECRET_KEY: 'sk',
        MINIO_BUCKET: 'telegram',
        SYNC_DOWNLOAD_DIRS: path.join(dir, 'dl'),
        SYNC_LOG_DIR: path.join(dir, 'logs'),
        SYNC_METRICS_LISTEN: String(port),
      },
    });
    const log = createMemoryLogger();
    const taken = await startWatchMonitorServer(config, createMonitor(config, { log, watch: true }), log).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(taken instanceof ConfigError, 'a port in use is a setting to change (exit 2), not a bug');
    assert.match(
      taken.message,
      new RegExp(`SYNC_METRICS_LISTEN: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
    );
  } finally {
    await a.close();
  }
});

test('with SYNC_METRICS_TOKEN: /metrics and /status need the bearer token, /healthz stays open', async () => {
  const token = 'a-token-of-sufficient-length';
  const s = await startMonitorServer(
    { host: '127.0.0.1', port: 0 },
    { metrics: async () => 'up 1\n', healthy: () => ({ ok: true, detail: 'x' }), status: () => '<p>s</p>' },
    token,
  );
  try {
    for (const route of ['metrics', 'status']) {
      const bare = await fetch(`${s.url}${route}`);
      assert.equal([bare.status, bare.headers.get('www-authenticate')], [401, 'Bearer'], route);
      const wrong = await fetch(`${s.url}${route}`, { headers: { authorization: 'Bearer nope' } });
      assert.is(wrong.status, 401);
      const right = await fetch(`${s.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
      assert.is(right.status, 200, route);
    }
    assert.is((await fetch(`${s.url}healthz`)).status, 200, 'a probe needs no token');
  } finally {
    await s.close();
  }
});

// And: with a token, or on loopback, it is not.
test('a listener beyond loopback without a token is a warning that says what to do', async () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.not.ok(isLoopback('0.0.0.0') || isLoopback('::') || isLoopback('192.0.2.10'));
  // (Formatted here, not served on 0.0.0.0: tests listen on 127.0.0.1 only.)
  const said = (exposed: boolean, token: boolean) =>
    formatEntry({ kind: 'metrics.listening', url: 'http://0.0.0.0:9464/', exposed, token });
  const open = said(true, false);
  assert.is(open.level, 'warn');
  assert.match(open.msg, /not a loopback address.*set SYNC_METRICS_TOKEN, or listen on 127\.0\.0\.1/);
  const guarded = said(true, true);
  assert.equal([guarded.level, /need the bearer token/.test(guarded.msg)], ['info', true]);
  assert.is(said(false, false).level, 'info');
});

test.run();
