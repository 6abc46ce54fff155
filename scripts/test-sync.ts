// Health check: run a sync, then check MinIO, the database and the schedule; say plainly whether
// the pipeline is healthy (lib/commands/test-sync.ts). Exit 0 only when every check passes.
// Usage: npx zx scripts/test-sync.ts [--no-sync] [--since 24h] [--max-age 26h] [--json] [--html FILE] [--config PATH]
import { isEntryPoint, runCommand, runMain } from '../lib/cli.ts';
import { TEST_SYNC } from '../lib/commands/test-sync.ts';

export const main = (argv: string[], env = process.env) => runCommand(TEST_SYNC, argv, env, {});

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
