// startBucketStage on both servers: the bucket made sure of, listed and its proof made when asked;
// not listed when the cache is trusted.
import * as assert from 'uvu/assert';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { createStorage } from '../../../lib/storage/client.ts';
import { startBucketStage } from '../../../lib/sync/bucket/bucket-stage.ts';
import type { Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

eachServer('bucket stage', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('proving: the bucket is made, listed once, and the proof answers from that listing', async () => {
    const storage = createStorage(sb.config());
    const log = createMemoryLogger();
    const gate = createGate({ dryRun: false, log });
    const first = startBucketStage(storage, { prefix: '', prove: true, gate, log });
    await first.ready;
    assert.is(await storage.bucketExists(), true);
    assert.is((await first.proof)({ key: 'x', size: 1 }).kind, 'missing');
    await sb.client().putObject(sb.env.MINIO_BUCKET!, 'x', Buffer.from('1'));
    const second = startBucketStage(storage, { prefix: '', prove: true, gate, log });
    assert.is((await second.proof)({ key: 'x', size: 1 }).kind, 'proven');
    assert.equal(log.records.filter((r) => r.kind === 'bucket.listed').length, 2, 'one listing per stage');
    const trusting = startBucketStage(storage, { prefix: '', prove: false, gate, log });
    assert.is(trusting.listing, undefined);
    assert.is((await trusting.proof)({ key: 'absent', size: 9 }).kind, 'proven');
  });
});
