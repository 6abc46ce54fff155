// startDevServer: the s3rver kind here; the RGW kind is startRgw, tested in test/dev/rgw.test.ts.
import * as Minio from 'minio';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevServer } from '../../lib/dev/local-s3.ts';
import { tempDir } from '../support/env.ts';

test('the s3rver kind serves S3 with the keys it names, and closes', async () => {
  const s = await startDevServer({ rgw: false, directory: tempDir('devsrv') });
  const port = Number(new URL(s.endpoint).port);
  const client = new Minio.Client({
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    pathStyle: true,
  });
  await client.makeBucket('devserver');
  assert.ok(await client.bucketExists('devserver'));
  assert.is(s.kind, 's3rver');
  await s.close();
  assert.is(
    await fetch(s.endpoint).then(
      () => 'answered',
      () => 'refused',
    ),
    'refused',
  );
});

test.run();
