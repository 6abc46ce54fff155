// lib/storage/transport.ts against a plain node:http server on 127.0.0.1 that accepts a request
// and never answers: the request is cut with ETIMEDOUT after the timeout, not left hanging.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTransport } from '../../lib/storage/transport.ts';

test('a request that gets no answer is cut after the timeout with ETIMEDOUT', async () => {
  const server = http.createServer(() => undefined); // hears the request, never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = createTransport(false, 300);
  try {
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, () => resolve(new Error('answered')));
      req.on('error', resolve);
    });
    assert.is(error.code, 'ETIMEDOUT');
    assert.match(error.message, /no answer from the S3 server for 0\.3 s/);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('a reused connection gets the timeout too: the second request to a server that then stalls is cut', async () => {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    if (++requests === 1) res.end('first'); // answered; the connection goes back to the pool
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = createTransport(false, 300);
  const get = () =>
    new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve('answered'));
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
  try {
    assert.is(await get(), 'answered');
    assert.is(await get(), 'ETIMEDOUT', 'without the agent timeout this request waits forever');
    assert.is(requests, 2, 'both went over the same server');
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test.run();
