// Benchmark: a no-op rerun over 10,000 small files. Prints seconds and how many files were re-read.
// Run: npx zx test/bench/noop-rerun.bench.ts [--files N]
// (listings of more than 1,000 keys from s3rver need NODE_OPTIONS=--openssl-legacy-provider; npm run bench sets it)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../../lib/args.ts';
import { sha256File } from '../../lib/sync/hash.ts';
import { createSandbox, runScript, startS3Server, syncOnce, tempDir, type Sandbox } from '../support/env.ts';

const flags = parseFlags(process.argv.slice(process.argv.findIndex((a) => a.endsWith('.bench.ts')) + 1), { files: { type: 'string', default: '10000' } });
const N = Number(flags.files);
const server = await startS3Server({ directory: tempDir('bench-s3') });
const sb: Sandbox = await createSandbox(server, { SYNC_CONCURRENCY: '8' });
try {
  for (let i = 0; i < N; i++) {
    const dir = path.join(sb.downloads, `Channel ${i % 50}`);
    if (i < 50) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${i}_file ${i}.jpg`), crypto.randomBytes(512 + (i % 1024)));
  }
  const config = sb.config();
  let t = process.hrtime.bigint();
  const first = await syncOnce(config);
  const firstS = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`first run: ${first.summary.uploaded} files uploaded in ${firstS.toFixed(1)} s (${(first.summary.uploaded / firstS).toFixed(0)} files/s)`);

  let reads = 0;
  t = process.hrtime.bigint();
  const again = await syncOnce(config, { deps: { hash: async (p) => (reads++, sha256File(p)) } });
  const againS = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`no-op rerun (in-process runSync): ${againS.toFixed(2)} s over ${again.summary.scanned} files; unchanged ${again.summary.skipped.unchanged}; files re-read: ${reads}; uploaded: ${again.summary.uploaded}`);

  t = process.hrtime.bigint();
  const cli = await runScript('sync.ts', ['--json'], sb.env);
  const cliS = Number(process.hrtime.bigint() - t) / 1e9;
  const s = JSON.parse(cli.stdout) as { uploaded: number; skipped: Record<string, number>; durationMs: number };
  console.log(`no-op rerun (node scripts/sync.ts, whole process): ${cliS.toFixed(2)} s wall, ${(s.durationMs / 1000).toFixed(2)} s inside the run; unchanged ${s.skipped.unchanged}; uploaded ${s.uploaded}`);

  // A peer for scale: rclone (Debian's, if installed) syncing the same tree to another bucket,
  // then its own no-op rerun. rclone compares size and modification time from a bucket listing.
  const rclone = await execa('rclone', ['version'], { reject: false }).catch(() => undefined);
  if (rclone?.exitCode === 0) {
    const remote = `:s3,provider=Other,access_key_id=S3RVER,secret_access_key=S3RVER,endpoint='${server.endpoint}',force_path_style=true:rclone-peer`;
    // AWS_CA_BUNDLE (set on some machines) makes rclone refuse a plain-http endpoint.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'AWS_CA_BUNDLE'));
    const rcloneSync = () => execa('rclone', ['sync', sb.downloads, remote, '--transfers', '8', '--checkers', '8'], { reject: false, all: true, env, extendEnv: false });
    await execa('rclone', ['mkdir', remote], { reject: false, env, extendEnv: false });
    t = process.hrtime.bigint();
    const r1 = await rcloneSync();
    console.log(`${rclone.stdout.split('\n')[0]} first sync: ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s (exit ${r1.exitCode}${r1.exitCode ? `: ${r1.all?.split('\n').slice(-2).join(' ')}` : ''})`);
    t = process.hrtime.bigint();
    const r2 = await rcloneSync();
    console.log(`rclone no-op rerun: ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(2)} s wall (exit ${r2.exitCode}${r2.exitCode ? `: ${r2.all?.split('\n').slice(-2).join(' ')}` : ''})`);
  } else {
    console.log('rclone not installed: no peer figure (apt-get install rclone)');
  }
} finally {
  await sb.close();
  await server.close();
}
