// Nightly job: make sure the containers run, put every complete Telegram download into the bucket
// exactly once, then run the Django processing with docker exec (lib/commands/sync.ts).
// Usage: npx zx scripts/sync.ts [--force] [--dry-run] [--json] [--concurrency N] [--config PATH]
//        [--no-process | --process-always | --process-only] [--watch]
import { isEntryPoint, runCommand, runMain } from '../lib/cli.ts';
import { SYNC } from '../lib/commands/sync.ts';

export const main = (argv: string[], env = process.env) => runCommand(SYNC, argv, env, {});

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
