// The image's health check (docker/healthcheck.mjs) run as Docker runs it, against a real HTTP
// server on 127.0.0.1: 200 is healthy, 503 or no answer is not, and it says what it asked. Where
// it asks reads SYNC_METRICS_LISTEN as the sync does (lib/config/values.ts listenAddress).
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listenAddress } from '../../lib/config/values.ts';
import { PROJECT_ROOT } from '../support/env.ts';
// @ts-expect-error: plain JavaScript shipped in the image, no types
import { healthzUrl } from '../../docker/healthz-url.mjs';

const urlOf = healthzUrl as (listen?: string) => string;

test('it asks where the sync listens: "on", a bare port, host:port, a wildcard on the loopback', () => {
  for (const value of ['on', '1', 'yes', '9555', '127.0.0.2:9556', '0.0.0.0:9557', '[::]:9558', '[::1]:9559']) {
    const a = listenAddress(value)!;
    const host = a.host === '0.0.0.0' || a.host === '::' ? '127.0.0.1' : a.host;
    const expected = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}/healthz`;
    assert.is(urlOf(value), expected, value);
  }
  assert.is(urlOf(undefined), 'http://127.0.0.1:9464/healthz', 'unset: the default address');
});

test('200 is healthy; 503 and no answer are not, and it names the URL it asked', async () => {
  let status = 200;
  const server = http.createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const check = () =>
    execa(process.execPath, [path.join(PROJECT_ROOT, 'docker/healthcheck.mjs')], {
      env: { SYNC_METRICS_LISTEN: `0.0.0.0:${port}` },
      reject: false,
    });
  try {
    assert.is((await check()).exitCode, 0);
    status = 503;
    const failing = await check();
    assert.equal([failing.exitCode, failing.stderr], [1, `http://127.0.0.1:${port}/healthz: 503`]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const gone = await check();
  assert.is(gone.exitCode, 1);
  assert.match(gone.stderr, `http://127.0.0.1:${port}/healthz: ECONNREFUSED`);
});

test.run();
