// An endpoint that does not match its server, through the real minio client and real sockets: a
// TLS server (Node's, with a self-signed certificate made by openssl here) reached with https://
// and with http://. (https:// to a plain-HTTP S3 server is in test/commands/sync.test.ts.)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT_CODES, StorageEndpointError } from '../../lib/errors.ts';
import { endpointMismatch } from '../../lib/storage/classify.ts';
import { createMinioStorage } from '../../lib/storage/client.ts';
import type { StorageConfig } from '../../lib/config/types.ts';
import { tempDir } from '../support/env.ts';

function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = tempDir('tls');
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1'];
  execFileSync('openssl', [...args, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function storageAt(port: number, useSSL: boolean) {
  const cfg: StorageConfig = {
    endPoint: '127.0.0.1',
    port,
    useSSL,
    accessKey: 'AK',
    secretKey: 'secret-value',
    region: 'us-east-1',
    bucket: 'telegram',
    prefix: '',
    partSizeBytes: 16 << 20,
    requestTimeoutMs: 5000,
  };
  return createMinioStorage(cfg, { retry: { retries: 2, baseMs: 1 } });
}

const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => new Error('answered'),
    (e: unknown) => e as Error,
  );

test('a certificate Node refuses: exit 2, the code, and how to give Node the CA', async () => {
  const server = tls.createServer(selfSigned(), (s) => s.end());
  const port = await listen(server);
  try {
    const e = await failure(storageAt(port, true).bucketExists());
    assert.instance(e, StorageEndpointError);
    assert.is((e as StorageEndpointError).exitCode, EXIT_CODES.config);
    assert.match(e.message, `S3 server https://127.0.0.1:${port}: its TLS certificate was refused (`);
    assert.match(e.message, /SELF_SIGNED.*NODE_EXTRA_CA_CERTS=/);
  } finally {
    server.close();
  }
});

test('http:// to a TLS port answered the way Go servers (MinIO) answer: use https://', () => {
  const said = new Error('Client sent an HTTP request to an HTTPS server.');
  assert.match(String(endpointMismatch(said)), /use https:\/\/ in MINIO_ENDPOINT/);
  const parse = Object.assign(new Error('Parse Error: Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' });
  assert.match(String(endpointMismatch(parse)), /use https:\/\//);
  assert.is(endpointMismatch(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), undefined);
});

test.run();
