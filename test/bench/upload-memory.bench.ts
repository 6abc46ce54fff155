// Benchmark: peak memory (VmHWM) and throughput of scripts/sync.ts uploading one large file.
// Run: npx zx test/bench/upload-memory.bench.ts [--mib 1024] [--part-mb 16]
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../../lib/args.ts';
import { sha256File } from '../../lib/sync/hash.ts';
import { createSandbox, PROJECT_ROOT, startS3Server, tempDir } from '../support/env.ts';

const flags = parseFlags(process.argv.slice(process.argv.findIndex((a) => a.endsWith('.bench.ts')) + 1), {
  mib: { type: 'string', default: '1024' },
  'part-mb': { type: 'string', default: '16' },
});
const server = await startS3Server({ directory: tempDir('bench-mem-s3') });
const sb = await createSandbox(server, { SYNC_PART_SIZE_MB: flags['part-mb'] });
try {
  const file = path.join(sb.downloads, 'Big Channel/huge video.mp4');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await execa('dd', ['if=/dev/urandom', `of=${file}`, 'bs=1M', `count=${flags.mib}`, 'status=none']);
  const hashStart = process.hrtime.bigint();
  await sha256File(file);
  const hashS = Number(process.hrtime.bigint() - hashStart) / 1e9;
  console.log(`sha256File alone: ${hashS.toFixed(2)} s (${(Number(flags.mib) / hashS).toFixed(0)} MiB/s); an upload hashes twice (before, and the bytes as sent)`);
  const started = process.hrtime.bigint();
  const child = execa(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--json'], { cwd: PROJECT_ROOT, env: sb.env, extendEnv: false, reject: false });
  let peakKiB = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 50);
  const r = await child;
  clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const s = JSON.parse(r.stdout) as { uploaded: number; bytesUploaded: number };
  console.log(`uploaded ${s.uploaded} file of ${flags.mib} MiB with part size ${flags['part-mb']} MiB in ${seconds.toFixed(1)} s (${(s.bytesUploaded / 1048576 / seconds).toFixed(0)} MiB/s incl. hashing and verification)`);
  console.log(`peak RSS of the sync process (VmHWM): ${(peakKiB / 1024).toFixed(0)} MiB`);
} finally {
  await sb.close();
  await server.close();
}
