// lib/storage/requests.ts on both servers: the bucket check and the bucket's creation turn what the
// server refuses into a configuration error naming the key to change.
import * as assert from 'uvu/assert';
import { ConfigError, StorageAuthError } from '../../lib/errors.ts';
import { createStorage } from '../../lib/storage/client.ts';
import type { Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

eachServer('storage requests', ({ it, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('a region the server does not serve: a config error naming MINIO_REGION (s3rver accepts any region, RGW only its own)', async () => {
    const storage = createStorage(sb.config({ MINIO_REGION: 'eu-west-1' }));
    const created = await storage.createBucket().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (server().name === 's3rver') return assert.is(created, undefined);
    assert.instance(created, ConfigError);
    assert.match(
      (created as ConfigError).problems[0]!,
      /^MINIO_REGION: the S3 server .* refused to create bucket .* in region "eu-west-1" \(InvalidLocationConstraint\)/,
    );
    assert.ok(
      await createStorage(sb.config())
        .createBucket()
        .then(() => true),
      'us-east-1 (no LocationConstraint sent) works',
    );
  });

  it('credentials the server refuses are a StorageAuthError (exit 2) naming the keys, not retried', async () => {
    const storage = createStorage(
      sb.config({ MINIO_ACCESS_KEY: 'NOT-A-REAL-KEY', MINIO_SECRET_KEY: 'not-the-secret' }),
    );
    await storage.bucketExists().then(
      () => assert.unreachable(),
      (e: unknown) => {
        assert.instance(e, StorageAuthError);
        assert.match(
          (e as Error).message,
          /^MINIO_ACCESS_KEY \/ MINIO_SECRET_KEY: the S3 server http:\/\/127\.0\.0\.1:\d+ refused them/,
        );
      },
    );
  });
});
