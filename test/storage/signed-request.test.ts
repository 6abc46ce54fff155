// lib/storage/signed-request.ts: the minio client's internal request path, checked so that an
// upgrade that changes it fails here first (the installed and pinned versions, the methods and
// their arity), then used for real on both servers: a signed PUT the server verifies, and a GET.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { test as unit } from 'uvu';
import * as assert from 'uvu/assert';
import * as Minio from 'minio';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { MINIO_CHECKED_VERSION, readText, sendSigned, sendSignedBody } from '../../lib/storage/signed-request.ts';
import type { Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

const json = (file: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));

unit('minio is pinned to the version the internal path was checked against, and that version is installed', () => {
  assert.is(json('package.json').dependencies.minio, MINIO_CHECKED_VERSION, 'package.json pins it exactly');
  assert.is(json('node_modules/minio/package.json').version, MINIO_CHECKED_VERSION, 'npm ci installed it');
});

unit('the internal methods exist with the arity this module calls them with', () => {
  const proto = Minio.Client.prototype as unknown as Record<string, unknown>;
  assert.type(proto.makeRequestAsync, 'function');
  assert.type(proto.makeRequestStreamAsync, 'function');
  assert.is(
    (proto.makeRequestAsync as (...a: unknown[]) => unknown).length,
    1,
    '(options, payload = "", codes = [200], region = "")',
  );
  assert.is(
    (proto.makeRequestStreamAsync as (...a: unknown[]) => unknown).length,
    5,
    '(options, body, sha256sum, statusCodes, region)',
  );
});

unit.run();

eachServer('signed requests', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it("a PUT signed with the body's SHA-256 stores it; a GET through the same door reads it back", async () => {
    const client = sb.client();
    const bucket = sb.env.MINIO_BUCKET!;
    await client.makeBucket(bucket);
    const body = Buffer.from('signed by the sha256 we computed');
    const sha = crypto.createHash('sha256').update(body).digest('hex');
    const put = {
      method: 'PUT',
      bucketName: bucket,
      objectName: 'k.txt',
      headers: { 'content-length': String(body.length) },
    } as const;
    const res = await sendSignedBody(client, put, body, sha);
    res.resume();
    assert.is(res.statusCode, 200);
    const got = await readText(await sendSigned(client, { method: 'GET', bucketName: bucket, objectName: 'k.txt' }));
    assert.is(got, body.toString());
  });
});
