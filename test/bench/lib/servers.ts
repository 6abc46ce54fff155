// The S3 servers the benchmark runs on: s3rver in a process of its own (so its CPU is not
// counted as the client's) and Ceph RGW; each can empty a bucket between runs.
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import * as Minio from 'minio';
import { freePort, startRgw } from '../../../lib/dev/rgw.ts';
import { S3RVER_KEY } from '../../../lib/dev/s3rver.ts';
import { PROJECT_ROOT } from '../../../lib/config/load.ts';
import type { BenchServer } from './tools.ts';

export interface RunningServer extends BenchServer {
  close(): Promise<void>;
}

export async function startBenchS3rver(dir: string): Promise<RunningServer> {
  const port = await freePort();
  fs.rmSync(dir, { recursive: true, force: true });
  const child: ResultPromise = execa(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'scripts/s3-server.ts'),
      '--port',
      String(port),
      '--dir',
      dir,
    ],
    { cwd: PROJECT_ROOT, reject: false },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    void child.then((r) => reject(new Error(`s3rver exited: ${r.stderr}`)));
  });
  return {
    name: 's3rver',
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKey: S3RVER_KEY,
    secretKey: S3RVER_KEY,
    pids: () => [child.pid!],
    purge: async (bucket) => fs.rmSync(path.join(dir, bucket), { recursive: true, force: true }),
    close: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

export async function startBenchRgw(dir: string): Promise<RunningServer> {
  fs.rmSync(dir, { recursive: true, force: true });
  const c = await startRgw({ directory: dir });
  const conf = path.join(dir, 'ceph.conf');
  return {
    name: 'rgw',
    endpoint: c.endpoint,
    port: c.port,
    accessKey: c.accessKey,
    secretKey: c.secretKey,
    pids: () => c.running(),
    purge: async (bucket) => {
      await execa(
        'radosgw-admin',
        ['-c', conf, 'bucket', 'rm', `--bucket=${bucket}`, '--purge-objects', '--bypass-gc'],
        { reject: false, timeout: 600_000 },
      );
    },
    close: () => c.close(),
  };
}

// The bucket on a bench server, made if it is not there.
export async function ensureBenchBucket(s: RunningServer, bucket: string): Promise<void> {
  const c = new Minio.Client({
    endPoint: '127.0.0.1',
    port: s.port,
    useSSL: false,
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    pathStyle: true,
  });
  if (!(await c.bucketExists(bucket))) await c.makeBucket(bucket);
}
