// Install, show or remove the nightly sync in the user's crontab (lib/commands/install-cron.ts).
// Usage: npx zx scripts/install-cron.ts [--schedule "0 3 * * *"] [--tz ZONE] [--config PATH]
//        [--print | --dry-run | --uninstall]
import { isEntryPoint, runCommand, runMain } from '../lib/cli.ts';
import { INSTALL_CRON, type InstallCronDeps } from '../lib/commands/install-cron.ts';

export const main = (argv: string[], env = process.env, deps: InstallCronDeps = {}) =>
  runCommand(INSTALL_CRON, argv, env, deps);

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
