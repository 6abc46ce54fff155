// ensureBucket on both servers: a missing bucket is created (and logged), an existing one left
// alone, and a dry run creates nothing but says it would.
import * as assert from 'uvu/assert';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { createStorage } from '../../../lib/storage/client.ts';
import { ensureBucket } from '../../../lib/sync/bucket/ensure.ts';
import type { Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

eachServer('ensure the bucket', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('created when missing, once; a dry run only says so', async () => {
    const storage = createStorage(sb.config());
    const dry = createMemoryLogger();
    await ensureBucket(storage, { gate: createGate({ dryRun: true, log: dry }), log: dry });
    assert.is(await storage.bucketExists(), false);
    assert.equal(
      dry.records.map((r) => [r.kind, r.msg]),
      [['dry-run', 'would create bucket']],
    );
    const log = createMemoryLogger();
    const gate = createGate({ dryRun: false, log });
    await ensureBucket(storage, { gate, log });
    await ensureBucket(storage, { gate, log });
    assert.is(await storage.bucketExists(), true);
    assert.equal(
      log.records.map((r) => r.kind),
      ['bucket.created'],
    );
  });
});
