// Taking over a bucket the old system filled (issue 11): boto3 fills it as the old command did
// (keys with spaces turned into underscores, 5 MiB multipart parts as minio-py cut them, no
// sha256), then this project runs on it (dry run, the takeover, the rerun), against a
// plain upload of the same tree into an empty bucket, alternated per repetition. The bytes the
// sync sends are counted by a TCP proxy between it and the server (requests, headers included).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../lib/config/load.ts';
import { measure, type Measured } from './measure.ts';
import type { RunningServer } from './servers.ts';
import { uploadWithBoto3 } from '../../support/other-clients.ts';
import { thisProject } from './tools.ts';

function filesOf(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesOf(dir, r) : e.isFile() ? [r] : [];
  });
}

interface CountingProxy {
  readonly endpoint: string;
  readonly port: number;
  // Bytes from the client to the server since the last reset.
  take(): number;
  close(): Promise<void>;
}

async function countingProxy(target: number): Promise<CountingProxy> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (d: Buffer) => (sent += d.length));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    take: () => [sent, (sent = 0)][0]!,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface TakeoverRow {
  readonly scenario: string;
  readonly rep: number;
  readonly m: Measured;
  readonly bytesSent: number;
}

export async function benchTakeover(
  s: RunningServer,
  tree: string,
  root: string,
  reps: number,
  createBucket: (b: string) => Promise<void>,
): Promise<TakeoverRow[]> {
  const proxy = await countingProxy(s.port);
  const viaProxy = { ...s, endpoint: proxy.endpoint, port: proxy.port };
  const rows: TakeoverRow[] = [];
  const run = async (scenario: string, rep: number, bucket: string, work: string, extra: string[] = []) => {
    const inv = thisProject.sync(tree, bucket, viaProxy, work);
    proxy.take();
    const m = await measure(inv.cmd, [...inv.args, ...extra], {
      env: inv.env,
      cwd: PROJECT_ROOT,
      serverPids: () => s.pids(),
    });
    rows.push({ scenario, rep, m, bytesSent: proxy.take() });
    if (m.exitCode !== 0)
      console.log(`  ${scenario} exited ${m.exitCode}: ${m.output.split('\n').slice(-3).join(' | ')}`);
    console.log(
      `  rep ${rep} ${scenario}: ${m.wallS.toFixed(1)} s wall, ${m.cpuS.toFixed(1)} s CPU, ${(rows.at(-1)!.bytesSent / 2 ** 20).toFixed(1)} MiB sent`,
    );
  };
  try {
    for (let rep = 1; rep <= reps; rep++) {
      const steps = [
        async () => {
          const bucket = `takeover-${rep}`;
          const work = fs.mkdtempSync(path.join(root, 'work-'));
          await createBucket(bucket);
          const started = Date.now();
          await uploadWithBoto3(
            { ...s, bucket },
            filesOf(tree).map((rel) => [path.join(tree, rel), rel.replace(/ /g, '_')] as const),
            5,
          );
          console.log(
            `  rep ${rep} filled as the old command did (boto3, 5 MiB parts) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          );
          await run('takeover --dry-run', rep, bucket, work, ['--dry-run']);
          await run('takeover', rep, bucket, work);
          await run('rerun after takeover', rep, bucket, work);
          await s.purge(bucket);
          fs.rmSync(work, { recursive: true, force: true });
        },
        async () => {
          const bucket = `plain-${rep}`;
          const work = fs.mkdtempSync(path.join(root, 'work-'));
          await createBucket(bucket);
          await run('plain upload (empty bucket)', rep, bucket, work);
          await s.purge(bucket);
          fs.rmSync(work, { recursive: true, force: true });
        },
      ];
      for (const step of rep % 2 ? steps : [...steps].reverse()) await step();
    }
  } finally {
    await proxy.close();
  }
  return rows;
}

export function printTakeover(rows: readonly TakeoverRow[]): void {
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const mean = (sc: string, get: (r: TakeoverRow) => number) => {
    const v = rows.filter((r) => r.scenario === sc).map(get);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  const plain = 'plain upload (empty bucket)';
  console.log(
    '\n| scenario | wall s | client CPU s | server CPU s | MiB sent (all requests) | wall / plain upload |\n|---|---|---|---|---|---|',
  );
  for (const sc of scenarios) {
    const of = (get: (r: TakeoverRow) => number, d: number) =>
      rows
        .filter((r) => r.scenario === sc)
        .map((r) => get(r).toFixed(d))
        .join(' / ');
    console.log(
      `| ${sc} | ${of((r) => r.m.wallS, 1)} | ${of((r) => r.m.cpuS, 1)} | ${of((r) => r.m.serverCpuS, 1)} | ${of((r) => r.bytesSent / 2 ** 20, 2)} | ${(mean(sc, (r) => r.m.wallS) / mean(plain, (r) => r.m.wallS)).toFixed(2)}x |`,
    );
  }
}
