// What scripts/s3-server.ts does: start a local S3 server (s3rver, or Ceph RGW with --rgw) for
// trying the toolkit, print its endpoint and keys, and stop it on SIGINT or SIGTERM.
import path from 'node:path';
import { parsePositiveInt } from '../args.ts';
import type { Command } from '../cli.ts';
import { PROJECT_ROOT } from '../config/load.ts';
import { startDevServer } from '../dev/local-s3.ts';
import { EXIT_CODES } from '../errors.ts';

const HELP = `Usage: npx zx scripts/s3-server.ts [--port 9000] [--dir .demo/s3] [--rgw]

  --port N    s3rver's port (RGW picks free ports of its own)
  --dir PATH  where the data lives (RGW: its cluster folder, removed on exit)
  --rgw       Ceph RGW instead of s3rver (Debian: ceph-mon ceph-osd radosgw ceph-common)

Prints the endpoint and the keys (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY); Ctrl-C stops it.`;

const FLAGS = {
  port: { type: 'string', default: '9000' },
  dir: { type: 'string' },
  rgw: { type: 'boolean', default: false },
} as const;

export const S3_SERVER: Command<typeof FLAGS, { readonly out?: NodeJS.WritableStream }> = {
  help: HELP,
  flags: FLAGS,
  async run(flags, _env, deps) {
    const out = deps.out ?? process.stdout;
    const directory = path.resolve(PROJECT_ROOT, flags.dir ?? (flags.rgw ? '.demo/rgw' : '.demo/s3'));
    const port = parsePositiveInt(flags.port, '--port') ?? 9000;
    const server = await startDevServer({ rgw: flags.rgw, directory, port });
    out.write(`${server.kind} listening on ${server.endpoint}, data in ${server.directory}\n`);
    out.write(
      `MINIO_ENDPOINT=${server.endpoint}\nMINIO_ACCESS_KEY=${server.accessKey}\nMINIO_SECRET_KEY=${server.secretKey}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return EXIT_CODES.ok;
  },
};
