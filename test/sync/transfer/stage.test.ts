// transferStage on both servers: a listing made for the proof is used as it is (no second listing),
// without one many files are listed once; what is sent is recorded and the snapshot written.
import * as assert from 'uvu/assert';
import { createGate } from '../../../lib/gate.ts';
import { createMemoryLogger } from '../../../lib/log/logger.ts';
import { createStorage } from '../../../lib/storage/client.ts';
import { listBucket as listAll } from '../../../lib/sync/bucket/listing-hint.ts';
import { HashCache } from '../../../lib/sync/cache/cache.ts';
import { planUploads } from '../../../lib/sync/plan/plan.ts';
import { scanDownloads } from '../../../lib/sync/scan/scan.ts';
import { transferStage } from '../../../lib/sync/transfer/stage.ts';
import { writeFile, type Sandbox } from '../../support/env.ts';
import { eachServer } from '../../support/servers.ts';

eachServer('transfer stage', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '0' });

  async function stage(withListing: boolean) {
    for (let i = 0; i < 70; i++) writeFile(sb.downloads, `f${i}.txt`, `file ${i}`);
    const config = sb.config();
    const storage = createStorage(config);
    await storage.createBucket();
    const log = createMemoryLogger();
    const cache = HashCache.open(config.cacheFile);
    const scan = await scanDownloads(config.sources, { partialSuffixes: [], exclude: [], stableAfterMs: 0 });
    const plan = planUploads(scan.files, cache, { prefix: '' });
    const listing = withListing ? { listing: await listAll(storage, '') } : {};
    const gate = createGate({ dryRun: false, log });
    const base = { config, storage, cache, gate, log, now: () => new Date(), force: false, pruneOldKeys: false };
    const result = await transferStage(plan, { ...base, ...listing });
    return { result, log, cache: HashCache.open(config.cacheFile) };
  }

  it('without a listing, 70 files are listed once; each upload recorded and the snapshot written', async () => {
    const { result, log, cache } = await stage(false);
    assert.is(result.outcomes.filter((o) => o.status === 'uploaded').length, 70);
    assert.is(log.records.filter((r) => r.kind === 'bucket.listed').length, 1);
    assert.is(cache.size, 70);
    assert.ok(cache.get(`${sb.downloads}/f0.txt`)?.etag, 'each record keeps its ETag');
  });

  it('with the listing the proof was made from, none is made again', async () => {
    const { result, log } = await stage(true);
    assert.is(result.outcomes.filter((o) => o.status === 'uploaded').length, 70);
    assert.is(log.records.filter((r) => r.kind === 'bucket.listed').length, 0);
  });
});
