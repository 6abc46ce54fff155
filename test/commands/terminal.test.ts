// The sync on a terminal, through a real pseudo-terminal (util-linux `script`): the progress line
// moves with the bytes of a large file, the terminal is quiet (no per-file lines; they are in the
// log file), --verbose prints them, and the summary ends the run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT, readLogs, TSX_LOADER, type Sandbox } from '../support/env.ts';
import { startFaultProxy } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

const MIB = 1024 * 1024;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// The sync run under `script`, which gives it a terminal; what the terminal showed.
async function onTerminal(
  sb: Sandbox,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number; screen: string }> {
  const command = [process.execPath, '--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts'), ...args];
  const r = await execa('script', ['-q', '-e', '-c', command.map(quote).join(' '), '/dev/null'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...sb.env, ...env },
    extendEnv: false,
    reject: false,
  });
  return { exitCode: r.exitCode ?? -1, screen: r.stdout };
}

eachServer('the sync on a terminal', ({ it: test, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x), { SYNC_PART_SIZE_MB: '5', SYNC_MEMORY_MB: '10', SYNC_CONCURRENCY: '1' });

  // And: --verbose prints them.
  test('progress moves with the parts of a large file; per-file lines only in the log', async () => {
    fs.mkdirSync(path.join(sb.downloads, 'chan'), { recursive: true });
    fs.writeFileSync(path.join(sb.downloads, 'chan/video.mp4'), crypto.randomBytes(40 * MIB));
    fs.writeFileSync(path.join(sb.downloads, 'chan/small.jpg'), crypto.randomBytes(1000));
    // Each part of the video takes at least 400 ms (the proxy holds it), longer than the 250 ms
    // between redraws, whatever the speed of this machine and its server.
    const proxy = await startFaultProxy(server(), (line) =>
      line.startsWith('PUT') && line.includes('video.mp4') ? { delayMs: 400 } : 'pass',
    );
    const r = await onTerminal(sb, ['--no-process'], { MINIO_ENDPOINT: proxy.endpoint }).finally(() => proxy.close());
    assert.is(r.exitCode, 0, r.screen);
    assert.ok(proxy.seen.filter((s) => typeof s.fault === 'object').length >= 8, 'the parts went through the proxy');
    // Some line shows bytes of the large file before it was done: the bar moved within the file.
    const moving = [...r.screen.matchAll(/(\d)\/2 files, ([\d.]+) MiB of 40\.0 MiB/g)].filter(
      (m) => Number(m[2]) > 0 && Number(m[2]) < 40,
    );
    assert.ok(moving.length > 0, `progress within the large file:\n${JSON.stringify(r.screen)}`);
    assert.not.match(r.screen, /upload\.done/, 'no per-file line on the terminal');
    assert.match(r.screen, /sync ok: 2 scanned, 2 complete, 2 new or changed/);
    assert.match(readLogs(sb.env.SYNC_LOG_DIR!), /upload\.done: uploaded chan\/video\.mp4/, 'the log has it');

    fs.writeFileSync(path.join(sb.downloads, 'chan/more.jpg'), crypto.randomBytes(1000));
    const verbose = await onTerminal(sb, ['--no-process', '--verbose']);
    assert.is(verbose.exitCode, 0, verbose.screen);
    assert.match(verbose.screen, /upload\.done: uploaded chan\/more\.jpg/);
  });
});
