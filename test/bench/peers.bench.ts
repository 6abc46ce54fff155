// The peer benchmark: rclone, aws s3 sync, s3cmd and this project on the same servers (s3rver
// and Ceph RGW), interleaved, two repetitions: a cold upload of a download tree, then the
// rerun that finds nothing to do (and, for this project, the rerun with its cache deleted).
// Prints wall, client CPU, peak RSS and server CPU, and each figure's ratio to the best peer.
// Run: npm run bench   (BENCH_100K=1 adds the 100,000-file tree; BENCH_QUICK=1 a small mixed tree;
// BENCH_SERVERS=s3rver,rgw; BENCH_REPS=2; BENCH_4G=1 measures memory with a 4 GiB file;
// BENCH_SKIP_PEERS=1 / BENCH_SKIP_TAKEOVER=1 leave out the peer table / the bucket takeover;
// BENCH_ONLY_100K=1 runs the 100,000-file tree alone; BENCH_100K_REPS=1 gives that tree fewer
// repetitions (35 min per repetition on s3rver, 48 on RGW, with all four tools); BENCH_TOOLS=rclone,aws,telegram picks tools)
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { measure, type Measured } from './lib/measure.ts';
import { peakRssBySize } from './lib/memory.ts';
import { firstOutput, hashSpeed } from './lib/micro.ts';
import { ensureBenchBucket, startBenchRgw, startBenchS3rver, type RunningServer } from './lib/servers.ts';
import { ALL_TOOLS, aws, ensurePeers, type Tool } from './lib/tools.ts';
import { ensureTree, MIXED, QUICK, SMALL_100K, type TreeSpec } from './lib/trees.ts';
import { printTable, printTargets, type Row } from './lib/table.ts';
import { benchTakeover, printTakeover } from './lib/takeover.ts';

const ROOT = process.env.BENCH_DIR ?? '/tmp/tgsync-bench';
const REPS = Number(process.env.BENCH_REPS ?? 2);
const REPS_100K = Number(process.env.BENCH_100K_REPS ?? REPS);
const SERVERS = (process.env.BENCH_SERVERS ?? 's3rver,rgw').split(',');
const TREES: TreeSpec[] = [
  ...(process.env.BENCH_ONLY_100K ? [] : [process.env.BENCH_QUICK ? QUICK : MIXED]),
  ...(process.env.BENCH_100K || process.env.BENCH_ONLY_100K ? [SMALL_100K] : []),
];
const WANTED = ALL_TOOLS.filter(
  (t) => !process.env.BENCH_TOOLS || process.env.BENCH_TOOLS.split(',').some((n) => t.name.startsWith(n)),
);
await ensurePeers(WANTED);
const TOOLS = WANTED.filter((t) => fs.existsSync(t.binary));

// One tool on one tree: cold upload, no-op rerun, and (this project) the rerun without its cache.
async function runTool(tool: Tool, s: RunningServer, tree: string, rep: number): Promise<Record<string, Measured>> {
  const bucket = `bench-${tool.name.replace(/\W+/g, '')}-${rep}`.toLowerCase();
  const work = fs.mkdtempSync(path.join(ROOT, 'work-'));
  await ensureBenchBucket(s, bucket);
  const inv = tool.sync(tree, bucket, s, work);
  const run = () => measure(inv.cmd, inv.args, { env: inv.env, cwd: PROJECT_ROOT, serverPids: () => s.pids() });
  const out: Record<string, Measured> = { cold: await run(), noop: await run() };
  if (tool.stateDir) {
    fs.rmSync(tool.stateDir(work), { recursive: true, force: true });
    out.cacheless = await run();
  }
  for (const [k, m] of Object.entries(out))
    if (m.exitCode !== 0)
      console.log(`  ${tool.name} ${k} exited ${m.exitCode}: ${m.output.split('\n').slice(-3).join(' | ')}`);
  await s.purge(bucket);
  fs.rmSync(work, { recursive: true, force: true });
  return out;
}

async function benchServer(name: string): Promise<void> {
  const s =
    name === 'rgw' ? await startBenchRgw(path.join(ROOT, 'rgw')) : await startBenchS3rver(path.join(ROOT, 's3rver'));
  try {
    for (const spec of TREES) {
      const tree = ensureTree(ROOT, spec);
      if (!process.env.BENCH_SKIP_TAKEOVER && spec !== SMALL_100K) {
        console.log(
          `\n## ${s.name}: taking over a bucket the old command filled, against a plain upload: ${spec.name} (${tree.files} files, ${(tree.bytes / 2 ** 30).toFixed(2)} GiB), ${REPS} repetitions`,
        );
        printTakeover(await benchTakeover(s, tree.dir, ROOT, REPS, (b) => ensureBenchBucket(s, b)));
      }
      if (process.env.BENCH_SKIP_PEERS) continue;
      const reps = spec === SMALL_100K ? REPS_100K : REPS;
      console.log(
        `\n## ${s.name}: ${spec.name} (${tree.files} files, ${(tree.bytes / 2 ** 30).toFixed(2)} GiB), concurrency 4, ${reps} repetition${reps === 1 ? '' : 's'}`,
      );
      const rows: Row[] = [];
      for (let rep = 1; rep <= reps; rep++) {
        const order = rep % 2 ? TOOLS : [...TOOLS].reverse(); // interleaved: no tool always first
        for (const tool of order) {
          const r = await runTool(tool, s, tree.dir, rep);
          for (const [scenario, m] of Object.entries(r)) rows.push({ tool: tool.name, scenario, rep, m });
          console.log(
            `  rep ${rep} ${tool.name}: ${Object.entries(r)
              .map(
                ([k, m]) => `${k} ${m.wallS.toFixed(1)} s wall, ${m.cpuS.toFixed(1)} s CPU, ${m.rssMB.toFixed(0)} MB`,
              )
              .join('; ')}`,
          );
        }
      }
      printTable(
        rows,
        TOOLS.map((t) => t.name),
        'telegram-sync',
      );
      printTargets(
        rows,
        TOOLS.map((t) => t.name),
        'telegram-sync',
        { small100k: spec === SMALL_100K, aws: aws.name },
      );
    }
    if (process.env.BENCH_ONLY_100K) return;
    const sizes = process.env.BENCH_4G ? [256, 4096] : [256, 1024];
    const mem = await peakRssBySize(s, ROOT, sizes);
    console.log(
      `\n## ${s.name}: peak RSS of the sync uploading one file\n\n| file | peak RSS MB | wall s |\n|---|---|---|\n${mem.map((m) => `| ${m.mib} MiB | ${m.rssMB.toFixed(0)} | ${m.wallS.toFixed(1)}${m.exitCode ? ` (exit ${m.exitCode})` : ''} |`).join('\n')}`,
    );
  } finally {
    await s.close();
  }
}

async function benchMicro(): Promise<void> {
  const h = await hashSpeed(ROOT);
  console.log(
    `\n## SHA-256 of a 1 GiB file in the page cache\n\n| openssl speed -evp sha256 (16 KiB blocks) | sha256File | ratio |\n|---|---|---|\n| ${h.opensslGBs.toFixed(2)} GB/s | ${h.oursGBs.toFixed(2)} GB/s | ${(h.oursGBs / h.opensslGBs).toFixed(2)}x |`,
  );
  const npx = await firstOutput('npx', ['zx', 'scripts/sync.ts', '--help']);
  const cron = await firstOutput(process.execPath, [path.join(PROJECT_ROOT, 'scripts/launch.mjs'), 'sync', '--help']);
  const bare = await firstOutput(process.execPath, ['-e', 'console.log(1)']);
  console.log(
    `\n## Time to first output (best of 5)\n\n| command | s |\n|---|---|\n| npx zx scripts/sync.ts --help | ${npx.toFixed(2)} |\n| node scripts/launch.mjs sync --help (the cron line) | ${cron.toFixed(2)} |\n| node -e 'console.log(1)' (Node alone) | ${bare.toFixed(2)} |`,
  );
}

fs.mkdirSync(ROOT, { recursive: true });
if (!process.env.BENCH_SKIP_MICRO) await benchMicro();
for (const name of SERVERS) await benchServer(name);
