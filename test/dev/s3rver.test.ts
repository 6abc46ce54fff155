// The local S3 server for the demo and the tests: real s3rver plus the one shim the minio client needs.
import crypto from 'node:crypto';
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Minio from 'minio';
import { S3RVER_KEY, startS3Server } from '../../lib/dev/s3rver.ts';
import { tempDir } from '../support/env.ts';

test('answers GET ?uploads with an empty list, takes a multipart upload through the minio client, and frees its port on close', async () => {
  const server = await startS3Server({ directory: tempDir('s3dev') });
  const client = new Minio.Client({
    endPoint: '127.0.0.1',
    port: server.port,
    useSSL: false,
    accessKey: S3RVER_KEY,
    secretKey: S3RVER_KEY,
    pathStyle: true,
    partSize: 5 * 1024 * 1024,
  });
  await client.makeBucket('shim');
  const r = await fetch(`${server.endpoint}/shim?uploads`);
  assert.is(r.status, 200);
  assert.match(await r.text(), /<ListMultipartUploadsResult[^>]*>.*<IsTruncated>false<\/IsTruncated>/);
  const big = crypto.randomBytes(11 * 1024 * 1024);
  await client.putObject('shim', 'big.bin', big, big.length);
  assert.is((await client.statObject('shim', 'big.bin')).size, big.length);
  await server.close();
  const refused = await new Promise<string>((resolve) => {
    const sock = net.connect(server.port, '127.0.0.1', () => (sock.destroy(), resolve('connected')));
    sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.is(refused, 'ECONNREFUSED', 'the port is free again');
});

test.run();
