// What every thin script shares: finding its own arguments (under zx or plain node), running
// main() only when it is the entry point, and turning errors into the exit-code table.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, type FlagSpec, type ParsedFlags } from './args.ts';
import { ConfigError, describeError, EXIT_CODES, exitCodeFor, wasReported } from './errors.ts';
import { stopWhenOrphaned } from './orphan.ts';

function scriptIndex(scriptPath: string): number {
  const real = (p: string) => {
    try {
      return fs.realpathSync(path.resolve(p));
    } catch {
      return path.resolve(p);
    }
  };
  const target = real(scriptPath);
  return process.argv.findIndex((a, i) => i > 0 && i < 3 && real(a) === target);
}

export function isEntryPoint(importMetaUrl: string): boolean {
  return scriptIndex(fileURLToPath(importMetaUrl)) > 0;
}

// The arguments after the script's own path (works for `npx zx script.ts` and `node script.ts`).
export function scriptArgs(importMetaUrl: string): string[] {
  const i = scriptIndex(fileURLToPath(importMetaUrl));
  return process.argv.slice(i > 0 ? i + 1 : 2);
}

// Run a script's main and set process.exitCode from its result or from the error table.
export async function runMain(importMetaUrl: string, main: (argv: string[]) => Promise<number>): Promise<void> {
  await runMainWith(scriptArgs(importMetaUrl), main);
}

// The same with the arguments given (scripts/launch.mjs runs a bundled script this way).
export async function runMainWith(argv: string[], main: (argv: string[]) => Promise<number>): Promise<void> {
  const guard = stopWhenOrphaned(process.env);
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    if (!wasReported(e))
      process.stderr.write(`${e instanceof ConfigError ? e.message : `error: ${describeError(e)}`}\n`);
    process.exitCode = exitCodeFor(e);
  } finally {
    guard.dispose();
  }
}

// A command: its help, its flags, and what it does with them. A script is then three lines:
// `export const main = (argv, env, deps) => runCommand(COMMAND, argv, env, deps)` and runMain.
export interface Command<F extends FlagSpec, D = Record<string, never>> {
  readonly help: string;
  readonly flags: F;
  run(flags: ParsedFlags<F>, env: NodeJS.ProcessEnv, deps: D): Promise<number>;
}

// Parse the flags (an unknown one is a UsageError), answer --help, else run the command.
export async function runCommand<F extends FlagSpec, D extends { readonly out?: NodeJS.WritableStream }>(
  command: Command<F, D>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  deps: D,
): Promise<number> {
  const flags = parseFlags(argv, { ...command.flags, help: { type: 'boolean', default: false } });
  if ((flags as { help?: boolean }).help) {
    (deps.out ?? process.stdout).write(`${command.help}\n`);
    return EXIT_CODES.ok;
  }
  return command.run(flags as unknown as ParsedFlags<F>, env, deps);
}
