// Watch mode's benchmark (issue 12): latency from "file complete" to "object verified" for 500
// files written by a downloader-like writer at random intervals, at concurrency 4, on s3rver and
// Ceph RGW; and (BENCH_100K=1) the idle cost of watching the 100,000-file tree.
// Run: npm run bench:watch   (BENCH_SERVERS=s3rver,rgw; BENCH_WATCH_FILES=500; BENCH_IDLE_SECONDS=60)
import fs from 'node:fs';
import path from 'node:path';
import { ensureBenchBucket, startBenchRgw, startBenchS3rver, type RunningServer } from './lib/servers.ts';
import { ensureTree, SMALL_100K } from './lib/trees.ts';
import { benchIdle, benchLatency } from './lib/watch.ts';

const ROOT = process.env.BENCH_DIR ?? '/tmp/tgsync-bench';
const SERVERS = (process.env.BENCH_SERVERS ?? 's3rver,rgw').split(',');
const FILES = Number(process.env.BENCH_WATCH_FILES ?? 500);

// The bucket, made if missing, by its name.
const bucketOn = async (s: RunningServer, name: string) => (await ensureBenchBucket(s, name), name);

const lines: string[] = [];
for (const name of SERVERS) {
  const s =
    name === 'rgw' ? await startBenchRgw(path.join(ROOT, 'rgw')) : await startBenchS3rver(path.join(ROOT, 's3rver'));
  try {
    const work = fs.mkdtempSync(path.join(ROOT, 'watch-'));
    const l = await benchLatency(s, work, await bucketOn(s, 'bench-watch-latency'), FILES);
    lines.push(
      `| ${s.name} | ${l.uploaded} of ${l.files} | ${l.p50.toFixed(2)} | ${l.p95.toFixed(2)} | ${l.max.toFixed(2)} | ≤ ${l.stableS + 5} | ${l.p95 <= l.stableS + 5 && l.uploaded === l.files ? 'met' : 'NOT met'} |`,
    );
    console.log(lines[lines.length - 1]);
    if (process.env.BENCH_100K) {
      const tree = ensureTree(ROOT, SMALL_100K);
      const i = await benchIdle(
        s,
        fs.mkdtempSync(path.join(ROOT, 'idle-')),
        await bucketOn(s, 'bench-watch-idle'),
        tree,
        Number(process.env.BENCH_IDLE_SECONDS ?? 60),
      );
      console.log(
        `\n## ${s.name}: idle while watching ${i.files} files in ${i.folders} folders\n\n| idle CPU, % of a core | RSS MB | peak RSS MB (after one rescan) | one rescan, CPU s | rescans at the default 60 min, % of a core |\n|---|---|---|---|---|\n| ${i.idleCpuPct.toFixed(2)} | ${i.rssMB.toFixed(0)} | ${i.peakRssMB.toFixed(0)} | ${i.rescanCpuS.toFixed(2)} | ${i.rescanPctAtDefault.toFixed(3)} |`,
      );
    }
    fs.rmSync(work, { recursive: true, force: true });
  } finally {
    await s.close();
  }
}
console.log(
  `\n## Watch latency: file complete → object verified (${FILES} files, half .tmp-then-rename, half written in place; SYNC_STABLE_SECONDS=2, concurrency 4)\n\n| server | verified | p50 s | p95 s | max s | target p95 s | |\n|---|---|---|---|---|---|---|\n${lines.join('\n')}`,
);
