// The scale curve: this project's cost as the archive grows, on one server, in one run. Trees of
// 1-8 KiB files in 40 channel folders (5,000, 40,000 and 100,000 files by default), and for each:
// the cold upload, the nightly no-op (the cache proven against the bucket's listing), the rescan
// that trusts the cache (SYNC_BUCKET_PROOF=off: watch mode's safety net), and the rerun with the
// cache deleted; each as the cron line runs it (the launcher), the no-op also as the README's
// `npx zx scripts/sync.ts` runs it; and `aws s3 sync --size-only --dryrun` over the same bucket (a
// listing and a compare, nothing sent) for the ratios.
// Prints each figure, the ratios, and the slope of peak RSS (bytes per file) and wall (µs per
// file) from the smallest tree to the largest.
// Run: npm run bench:scale   (BENCH_SCALE_SIZES=5000,40000,100000; BENCH_SERVERS=s3rver or rgw)
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { measure, type Measured } from './lib/measure.ts';
import { ensureBenchBucket, startBenchRgw, startBenchS3rver, type RunningServer } from './lib/servers.ts';
import { aws, ensurePeers, thisProject } from './lib/tools.ts';
import { ensureTree, type TreeSpec } from './lib/trees.ts';

const ROOT = process.env.BENCH_DIR ?? '/tmp/tgsync-bench';
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '5000,40000,100000').split(',').map(Number);
const SERVERS = (process.env.BENCH_SERVERS ?? 's3rver').split(',');

const scaleTree = (files: number): TreeSpec => ({
  name: `scale-${files}`,
  files,
  minBytes: 1024,
  maxBytes: 8 * 1024,
  folders: 40,
});

const SCENARIOS = ['cold', 'noop', 'noop (npx zx)', 'trusting rescan', 'cacheless', 'aws no-op'] as const;
type Scenario = (typeof SCENARIOS)[number];

// One tree: every scenario in order on one bucket.
async function scaleRun(s: RunningServer, files: number): Promise<Map<Scenario, Measured>> {
  const tree = ensureTree(ROOT, scaleTree(files));
  const bucket = `scale-${files}`;
  const work = fs.mkdtempSync(path.join(ROOT, 'work-'));
  await ensureBenchBucket(s, bucket);
  const ours = thisProject.sync(tree.dir, bucket, s, work);
  const config = ours.args.at(-1)!;
  const run = (cmd: string, args: readonly string[], env: NodeJS.ProcessEnv) =>
    measure(cmd, args, { env, cwd: PROJECT_ROOT, serverPids: () => s.pids() });
  const out = new Map<Scenario, Measured>();
  out.set('cold', await run(ours.cmd, ours.args, ours.env));
  out.set('noop', await run(ours.cmd, ours.args, ours.env));
  out.set('noop (npx zx)', await run('npx', ['zx', 'scripts/sync.ts', '--config', config], process.env));
  const trusting = { ...ours.env, SYNC_BUCKET_PROOF: 'off' };
  out.set('trusting rescan', await run(ours.cmd, ours.args, trusting));
  const awsRun = aws.sync(tree.dir, bucket, s, work);
  // List and compare only, as the issue measured it (on a bucket another tool filled, aws's own
  // rule would compare times too).
  out.set('aws no-op', await run(awsRun.cmd, [...awsRun.args, '--size-only', '--dryrun'], awsRun.env));
  fs.rmSync(thisProject.stateDir!(work), { recursive: true, force: true });
  out.set('cacheless', await run(ours.cmd, ours.args, ours.env));
  for (const [k, m] of out)
    if (m.exitCode !== 0)
      console.log(`  ${files} ${k} exited ${m.exitCode}: ${m.output.split('\n').slice(-3).join(' | ')}`);
  await s.purge(bucket);
  fs.rmSync(work, { recursive: true, force: true });
  return out;
}

function printCurve(server: string, results: ReadonlyMap<number, Map<Scenario, Measured>>): void {
  const sizes = [...results.keys()];
  console.log(`\n## ${server}: the scale curve (1-8 KiB files in 40 folders, concurrency 4, one run)\n`);
  console.log(
    `| scenario | ${sizes.map((n) => `${n.toLocaleString('en')} files: wall s / peak RSS MB`).join(' | ')} |`,
  );
  console.log(`|---|${sizes.map(() => '---|').join('')}`);
  for (const sc of SCENARIOS) {
    const cells = sizes.map((n) => {
      const m = results.get(n)!.get(sc);
      return m ? `${m.wallS.toFixed(1)} / ${m.rssMB.toFixed(0)}${m.exitCode ? ` (exit ${m.exitCode})` : ''}` : '-';
    });
    console.log(`| ${sc} | ${cells.join(' | ')} |`);
  }
  const ratio = (sc: Scenario, n: number) => {
    const r = results.get(n)!;
    return `${(r.get(sc)!.wallS / r.get('aws no-op')!.wallS).toFixed(2)}x`;
  };
  console.log(`\n| ratio to aws s3 sync's no-op (wall) | ${sizes.map((n) => n.toLocaleString('en')).join(' | ')} |`);
  console.log(`|---|${sizes.map(() => '---|').join('')}`);
  for (const sc of ['noop', 'cacheless'] as const)
    console.log(`| ${sc} | ${sizes.map((n) => ratio(sc, n)).join(' | ')} |`);
  if (sizes.length < 2) return;
  const [lo, hi] = [sizes[0]!, sizes.at(-1)!];
  console.log(`\n| slope from ${lo} to ${hi} files | peak RSS, bytes per file | wall, µs per file |`);
  console.log('|---|---|---|');
  for (const sc of SCENARIOS) {
    const a = results.get(lo)!.get(sc)!;
    const b = results.get(hi)!.get(sc)!;
    const rss = ((b.rssMB - a.rssMB) * 1024 * 1024) / (hi - lo);
    const wall = ((b.wallS - a.wallS) * 1e6) / (hi - lo);
    console.log(`| ${sc} | ${rss.toFixed(0)} | ${wall.toFixed(1)} |`);
  }
}

fs.mkdirSync(ROOT, { recursive: true });
await ensurePeers([aws]);
for (const name of SERVERS) {
  const s =
    name === 'rgw' ? await startBenchRgw(path.join(ROOT, 'rgw')) : await startBenchS3rver(path.join(ROOT, 's3rver'));
  try {
    const results = new Map<number, Map<Scenario, Measured>>();
    for (const n of SIZES) {
      results.set(n, await scaleRun(s, n));
      console.log(`  ${s.name} ${n} files: done`);
    }
    printCurve(s.name, results);
  } finally {
    await s.close();
  }
}
