// A local S3 server (s3rver on 127.0.0.1 with the minio-client shim) for trying the toolkit
// without MinIO; the demo and the tests use the same one. Not for production data.
// Usage: npx zx scripts/s3-server.ts [--port 9000] [--dir .demo/s3]
// (start node with --openssl-legacy-provider for listings of more than 1,000 keys)
import path from 'node:path';
import { parseFlags, parsePositiveInt } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { PROJECT_ROOT } from '../lib/config/load.ts';
import { startS3Server, S3RVER_KEY } from '../lib/dev/s3-server.ts';

export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { port: { type: 'string', default: '9000' }, dir: { type: 'string', default: '.demo/s3' }, help: { type: 'boolean', default: false } });
  if (flags.help) {
    process.stdout.write('Usage: npx zx scripts/s3-server.ts [--port 9000] [--dir .demo/s3]\n');
    return 0;
  }
  const server = await startS3Server({ directory: path.resolve(PROJECT_ROOT, flags.dir), port: parsePositiveInt(flags.port, '--port') ?? 9000 });
  process.stdout.write(`S3 server listening on ${server.endpoint} (access and secret key ${S3RVER_KEY}), data in ${server.directory}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, main);
