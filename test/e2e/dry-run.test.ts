// The dry run and the real run of one tree, on both servers: the same decisions in the same words
// (a new file, a copy of it, an object already in the bucket as these bytes), the dry run's log
// speaking only of what would be done, and nothing written by it.
import fs from 'node:fs';
import * as assert from 'uvu/assert';
import { listBucket, runScript, writeFile, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

// The summary's transfer line with the verbs made one tense and the byte figures left out.
function decisions(text: string): string {
  const line = text.split('\n').find((l) => /^  (would upload|uploaded) /.test(l)) ?? '';
  return line
    .trim()
    .replace(/ ?\([^)]*\)/g, '')
    .replace(/^would upload/, 'uploaded')
    .replace(/, copy /, ', copied ')
    .replace(/, deduplicate /, ', deduplicated ')
    .replace(/, adopt /, ', adopted ')
    .replace(/ +/g, ' ');
}

eachServer('dry run and real run', ({ it: test, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  test('one tree: the dry run says what the real run then does, in the same words, and writes nothing', async () => {
    writeFile(sb.downloads, 'chan/a.jpg', 'first file');
    writeFile(sb.downloads, 'chan/b.jpg', 'second file');
    writeFile(sb.downloads, 'chan/b-1a2b3c4d.jpg', 'second file');
    writeFile(sb.downloads, 'chan/c.jpg', 'already there');
    const client = sb.client();
    await client.makeBucket(sb.env.MINIO_BUCKET!);
    await client.putObject(sb.env.MINIO_BUCKET!, 'chan/c.jpg', Buffer.from('already there'));

    const dry = await runScript('sync.ts', ['--dry-run', '--no-process'], sb.env);
    assert.is(dry.exitCode, 0, dry.all);
    assert.equal(
      (await listBucket(client, sb.env.MINIO_BUCKET!)).map((o) => o.key),
      ['chan/c.jpg'],
      'the dry run wrote nothing',
    );
    assert.not.ok(fs.existsSync(sb.env.SYNC_CACHE_FILE!), 'nor a cache');
    const real = await runScript('sync.ts', ['--no-process'], sb.env);
    assert.is(real.exitCode, 0, real.all);

    assert.is(decisions(dry.stdout), decisions(real.stdout), `${dry.stdout}\n---\n${real.stdout}`);
    assert.is(
      decisions(real.stdout),
      'uploaded 2, copied 0 on the server, deduplicated 1, adopted 1 already in the bucket, conflicts 0, failed 0',
    );
    // Every line of the dry run about a file says what would be done.
    const fileLines = dry.stdout.split('\n').filter((l) => /chan\//.test(l) && / (INFO|WARN) /.test(l));
    assert.ok(fileLines.length >= 3, dry.stdout);
    for (const l of fileLines) assert.match(l, /dry-run: would /, l);
    // Each error or warning once, nowhere twice.
    assert.not.match(dry.stderr + real.stderr, /^error: /m);
  });
});
