// Install, show or remove watch mode as a systemd service (lib/commands/install-service.ts).
// Usage: npx zx scripts/install-service.ts [--user | --system] [--name UNIT] [--run-as USER] [--config PATH]
//        [--print | --dry-run | --uninstall]
import { isEntryPoint, runCommand, runMain } from '../lib/cli.ts';
import { INSTALL_SERVICE, type InstallServiceDeps } from '../lib/commands/install-service.ts';

export const main = (argv: string[], env = process.env, deps: InstallServiceDeps = {}) =>
  runCommand(INSTALL_SERVICE, argv, env, deps);

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, (argv) => main(argv));
