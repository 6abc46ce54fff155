// A local S3 server for trying the toolkit without MinIO: s3rver (default; on 127.0.0.1 with the
// minio-client shim) or, with --rgw, Ceph's RADOS Gateway on a throwaway single-node cluster.
// The demo and the tests use the same ones. Not for production data.
// Usage: npx zx scripts/s3-server.ts [--port 9000] [--dir .demo/s3] [--rgw]
// (s3rver: start node with --openssl-legacy-provider for listings of more than 1,000 keys)
import path from 'node:path';
import { parseFlags, parsePositiveInt } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { PROJECT_ROOT } from '../lib/config/load.ts';
import { startDevServer } from '../lib/dev/local-s3.ts';

export const HELP = `Usage: npx zx scripts/s3-server.ts [--port 9000] [--dir .demo/s3] [--rgw]

  --port N    s3rver's port (RGW picks free ports of its own)
  --dir PATH  where the data lives (RGW: its cluster folder, removed on exit)
  --rgw       Ceph RGW instead of s3rver (Debian: ceph-mon ceph-osd radosgw ceph-common)

Prints the endpoint and the keys (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY); Ctrl-C stops it.`;

export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { port: { type: 'string', default: '9000' }, dir: { type: 'string' }, rgw: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } });
  if (flags.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const directory = path.resolve(PROJECT_ROOT, flags.dir ?? (flags.rgw ? '.demo/rgw' : '.demo/s3'));
  const server = await startDevServer({ rgw: flags.rgw, directory, port: parsePositiveInt(flags.port, '--port') ?? 9000 });
  process.stdout.write(`${server.kind} listening on ${server.endpoint}, data in ${server.directory}\nMINIO_ENDPOINT=${server.endpoint}\nMINIO_ACCESS_KEY=${server.accessKey}\nMINIO_SECRET_KEY=${server.secretKey}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, main);
