// Command-line flags, parsed strictly: an unknown flag or a bad value is a UsageError.
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from './nearest.ts';
import { UsageError } from './errors.ts';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export type ParsedFlags<T extends FlagSpec> = ReturnType<typeof parseFlags<T>>;

export function parseFlags<T extends FlagSpec>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const unknown = /^Unknown option '(--?[^']+)'/.exec((e as Error).message)?.[1];
    if (unknown) {
      const hint = didYouMean(
        unknown,
        Object.keys(options).map((name) => `--${name}`),
      );
      throw new UsageError(`unknown option ${unknown}${hint} (see --help)`);
    }
    throw new UsageError(`${(e as Error).message} (see --help)`);
  }
}

// --config PATH, and --env-file PATH, its old name: Node 20 reads --env-file itself (and stops
// with exit 9 when the file is missing), so it is kept only for entries installed before.
export const CONFIG_FLAGS = { config: { type: 'string' }, 'env-file': { type: 'string' } } as const;

export interface ConfigFileFlag {
  readonly file: string;
  readonly flag: string;
}

// The configuration file the flags name, resolved against the current directory.
export function configFileOf(
  flags: { readonly config?: string | undefined; readonly 'env-file'?: string | undefined },
  cwd = process.cwd(),
): ConfigFileFlag | undefined {
  if (flags.config !== undefined && flags['env-file'] !== undefined)
    throw new UsageError('--config and --env-file name the same thing: give one');
  const given =
    flags.config !== undefined
      ? { value: flags.config, flag: '--config' }
      : flags['env-file'] !== undefined
        ? { value: flags['env-file'], flag: '--env-file' }
        : undefined;
  if (given?.flag === '--env-file')
    process.stderr.write(
      'note: --env-file is deprecated (Node 20 reads it itself and exits 9 when the file is missing): use --config\n',
    );
  return given && { file: path.resolve(cwd, given.value), flag: given.flag };
}

export function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: expected a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
