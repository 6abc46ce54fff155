// `npx zx scripts/sync.ts --check` as a user runs it, on both servers: exit 0 when the bucket
// holds every local file, 15 naming the files when not; the text and --json forms; nothing written.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { RUN_RECORDS_FILE } from '../../lib/report/records.ts';
import { runScript, syncOnce, writeFile, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

eachServer('sync --check (subprocess)', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('exit 0 after a sync, exit 15 naming what the bucket lacks; no record, no lock, no upload', async () => {
    writeFile(sb.downloads, 'in bucket.txt', 'held');
    await syncOnce(sb.config());
    const ok = await runScript('sync.ts', ['--check'], sb.env);
    assert.is(ok.exitCode, EXIT_CODES.ok, ok.all);
    assert.match(ok.stdout, /check: 1 local file\(s\) against bucket \S+: 1 in the bucket, 0 missing, 0 different/);

    const records = path.join(sb.dir, 'logs', RUN_RECORDS_FILE);
    const recordsBefore = fs.readFileSync(records, 'utf8');
    writeFile(sb.downloads, 'not yet.txt', 'new');
    await sb.client().putObject(sb.env.MINIO_BUCKET!, 'stray', Buffer.from('x'));
    const bad = await runScript('sync.ts', ['--check'], sb.env);
    assert.is(bad.exitCode, EXIT_CODES.check, bad.all);
    assert.match(bad.stdout, /missing \(1\):\n {2}\S*not yet\.txt → not_yet\.txt: not in the bucket/);
    assert.match(bad.stdout, /only in the bucket \(1\):\n {2}stray/);
    assert.match(bad.stderr, /1 local file\(s\) not in bucket .*not yet\.txt/);
    const stat = await sb
      .client()
      .statObject(sb.env.MINIO_BUCKET!, 'not_yet.txt')
      .catch(() => null);
    assert.is(stat, null, 'nothing uploaded');
    assert.is(fs.readFileSync(records, 'utf8'), recordsBefore, 'no run record');
    assert.not.ok(fs.existsSync(path.join(sb.dir, 'state', 'telegram_sync.lock')), 'no lock');

    const json = await runScript('sync.ts', ['--check', '--json'], sb.env);
    assert.is(json.exitCode, EXIT_CODES.check);
    const r = JSON.parse(json.stdout);
    assert.equal(
      r.missing.map((i: { key: string }) => i.key),
      ['not_yet.txt'],
    );
    assert.equal(r.onlyInBucket, ['stray']);
  });

  it('--check with a flag that changes things is a usage error (exit 2)', async () => {
    const r = await runScript('sync.ts', ['--check', '--force'], sb.env);
    assert.is(r.exitCode, EXIT_CODES.config);
    assert.match(r.stderr, /--check \(which changes nothing\) does not go with --force/);
  });
});
