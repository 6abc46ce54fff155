// lib/commands/test-sync.ts as a process against a real S3 server: a pipeline with no successful
// sync on record is unhealthy (exit 8, the schedule check names why); after a sync it is healthy.
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { readLogs, runScript, writeFile, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

eachServer('scripts/test-sync.ts (subprocess)', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_STABLE_SECONDS: '0' });

  it('--no-sync with nothing on record: unhealthy, exit 8; after a real sync: healthy, exit 0', async () => {
    const before = await runScript('test-sync.ts', ['--no-sync', '--json'], { ...sb.env, SYNC_RETIRES: '3' });
    assert.is(before.exitCode, EXIT_CODES.unhealthy, before.all);
    // A typo is warned about the way the sync warns: a config.warning line, in its log too.
    const typo =
      /config\.warning: environment: SYNC_RETIRES is not a key and is ignored \(did you mean SYNC_RETRIES\?\)/;
    assert.match(before.stderr, typo);
    assert.match(readLogs(sb.env.SYNC_LOG_DIR!), typo);
    const report = JSON.parse(before.stdout) as {
      healthy: boolean;
      checks: Array<{ name: string; status: string; detail: string }>;
    };
    assert.is(report.healthy, false);
    const schedule = report.checks.find((c) => c.name === 'schedule');
    assert.equal([schedule?.status, /no successful sync on record/.test(schedule?.detail ?? '')], ['fail', true]);
    writeFile(sb.downloads, 'a.jpg', 'a');
    const after = await runScript('test-sync.ts', [], sb.env);
    assert.is(after.exitCode, EXIT_CODES.ok, after.all);
    assert.match(after.stdout, /PASS sync: scripts\/sync.ts exited 0: 1 uploaded/);
    assert.match(after.stdout, /pipeline HEALTHY/);
  });
});
