// The embedded default (lib/commands/demo.ts): a local S3 server, sample downloads, and the real
// scripts/sync.ts run against them twice (the second run uploads nothing), then the bucket listing.
// Usage: npm run demo   (or: npx zx scripts/demo.ts [--keep] [--rgw])
import { isEntryPoint, runCommand, runMain } from '../lib/cli.ts';
import { DEMO } from '../lib/commands/demo.ts';

export const main = (argv: string[], env = process.env) => runCommand(DEMO, argv, env, {});

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
