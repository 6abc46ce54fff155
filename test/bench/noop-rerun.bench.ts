// Benchmark: a no-op rerun over 10,000 small files. Prints seconds and how many files were re-read.
// Run: npx zx test/bench/noop-rerun.bench.ts [--files N]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseFlags } from '../../lib/args.ts';
import { sha256File } from '../../lib/hash.ts';
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
} finally {
  await sb.close();
  await server.close();
}
