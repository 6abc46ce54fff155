// A local S3 server for trying the toolkit without MinIO: s3rver (default; on 127.0.0.1 with the
// minio-client shim) or, with --rgw, Ceph's RADOS Gateway on a throwaway single-node cluster
// (lib/commands/s3-server.ts). The demo and the tests use the same ones. Not for production data.
// Usage: npx zx scripts/s3-server.ts [--port 9000] [--dir .demo/s3] [--rgw]
// (s3rver: start node with --openssl-legacy-provider for listings of more than 1,000 keys)
import { isEntryPoint, runCommand, runMain } from '../lib/cli.ts';
import { S3_SERVER } from '../lib/commands/s3-server.ts';

export const main = (argv: string[], env = process.env) => runCommand(S3_SERVER, argv, env, {});

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
