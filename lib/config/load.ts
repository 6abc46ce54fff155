// Typed, validated configuration, read once through the table in ./table.ts. Precedence, highest
// first: command-line flags (`overrides`) → process environment → the .env file → the defaults.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { ConfigError, problemList } from '../errors.ts';
import { assemble } from './assemble.ts';
import type { ParseContext } from './key-spec.ts';
import { CONFIG_KEYS, type ConfigKey, type ConfigValues } from './table.ts';
import type { Config } from './types.ts';
import { Expected } from './values.ts';
import { readableSecrets, unknownEnvKeys, unknownFileKeys } from './warnings.ts';

// The project folder: the nearest one holding package.json (this file may also run from a bundle
// in dist/).
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) return path.resolve(from, '../..');
  }
}

export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

// A value given on the command line, reported under the flag's name when it is wrong.
export type ConfigOverrides = { readonly [K in ConfigKey]?: { readonly flag: string; readonly value: string } };

export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  // .env file to read; a missing default file is fine, a missing explicit one is an error.
  readonly envFile?: string;
  readonly envFileRequired?: boolean;
  // The flag that named the file, for that error (default --config).
  readonly envFileFlag?: string;
  readonly overrides?: ConfigOverrides;
  readonly root?: string;
}

// Read and validate the whole configuration, reporting every bad value at once.
// Its `warnings` (unknown keys, secrets others can read) are for the command to show.
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const { values, warnings } = readKeys(Object.keys(CONFIG_KEYS) as ConfigKey[], options);
  return Object.freeze({ ...assemble(values), warnings });
}

// Read and validate some keys only (e.g. what install-cron --print needs without a configuration).
export function loadKeys<K extends ConfigKey>(
  keys: readonly K[],
  options: LoadConfigOptions = {},
): Pick<ConfigValues, K> {
  return readKeys(keys, options).values;
}

function readKeys<K extends ConfigKey>(
  keys: readonly K[],
  options: LoadConfigOptions,
): { values: Pick<ConfigValues, K>; warnings: string[] } {
  const root = options.root ?? PROJECT_ROOT;
  const problems: string[] = [];
  const file = path.resolve(root, options.envFile ?? '.env');
  const fileValues = readEnvFile(
    file,
    options.envFileRequired ? (options.envFileFlag ?? '--config') : undefined,
    problems,
  );
  const env = options.env ?? process.env;
  const raw = (k: string): string => env[k] ?? fileValues[k] ?? CONFIG_KEYS[k as ConfigKey]?.default ?? '';
  const values = parseAll(keys, raw, root, options.overrides ?? {}, problems);
  const unknown = [...unknownFileKeys(file, fileValues), ...unknownEnvKeys(env)];
  // A key left unset is often one spelled wrong: the error names both.
  if (problems.length) throw new ConfigError([...problems, ...unknown]);
  return { values, warnings: [...unknown, ...readableSecrets(file, fileValues)] };
}

function readEnvFile(file: string, requiredBy: string | undefined, problems: string[]): Record<string, string> {
  try {
    return dotenv.parse(fs.readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (requiredBy || code !== 'ENOENT') {
      const why = code === 'ENOENT' ? 'not found' : code;
      problems.push(`${requiredBy ?? '.env'}: expected a readable file, got ${JSON.stringify(file)} (${why})`);
    }
    return {};
  }
}

// A few keys for an installer. With `complete`, the whole configuration must load (installing a
// job that cannot run helps nobody); without, only these keys must, and a configuration that is
// missing or broken comes back as a warning listing every problem.
export function loadKeysForInstall<K extends ConfigKey>(
  keys: readonly K[],
  o: {
    env: NodeJS.ProcessEnv;
    root: string;
    configFile: { file: string; flag: string } | undefined;
    overrides: ConfigOverrides;
    complete: boolean;
  },
): { values: Pick<ConfigValues, K>; warning?: string } {
  const options = { env: o.env, root: o.root, overrides: o.overrides, ...configFileOptions(o.configFile) };
  try {
    const { warnings = [] } = loadConfig(options);
    const warning = warnings.map((w) => `warning: ${w}\n`).join('');
    return { values: loadKeys(keys, options), ...(warning ? { warning } : {}) };
  } catch (e) {
    if (o.complete || !(e instanceof ConfigError)) throw e;
    const values = loadKeys(keys, { ...options, envFileRequired: false });
    const warning = `warning: the job will fail until the configuration is fixed ${problemList(e.problems)}\n`;
    return { values, warning };
  }
}

// Options for loadConfig from a --config (or --env-file) flag.
export function configFileOptions(
  f: { file: string; flag: string } | undefined,
): Pick<LoadConfigOptions, 'envFile' | 'envFileRequired' | 'envFileFlag'> {
  return f ? { envFile: f.file, envFileRequired: true, envFileFlag: f.flag } : {};
}

// Every key through its parser; each problem reads "KEY: expected X, got Y".
function parseAll<K extends ConfigKey>(
  keys: readonly K[],
  raw: (k: string) => string,
  root: string,
  overrides: ConfigOverrides,
  problems: string[],
): Pick<ConfigValues, K> {
  const values: Record<string, unknown> = {};
  for (const name of keys) {
    const spec = CONFIG_KEYS[name];
    const override = overrides[name];
    const label = override?.flag ?? name;
    const value = override?.value ?? raw(name);
    const ctx: ParseContext = { root, raw, problem: (text) => problems.push(`${label}: ${text}`) };
    try {
      values[name] = (spec.parse as (raw: string, ctx: ParseContext) => unknown)(value, ctx);
    } catch (e) {
      if (!(e instanceof Expected)) throw e;
      problems.push(`${label}: expected ${e.message}, got ${value.trim() ? JSON.stringify(value.trim()) : 'nothing'}`);
    }
  }
  return values as Pick<ConfigValues, K>;
}

// The values that must never reach a log or the terminal.
export function secretsOf(
  config: { readonly storage: Pick<Config['storage'], 'secretKey' | 'accessKey'> } & Partial<Pick<Config, 'monitor'>>,
): string[] {
  const notify = [
    config.monitor?.telegram?.token ?? '',
    config.monitor?.webhookUrl ?? '',
    config.monitor?.metricsToken ?? '',
  ];
  return [config.storage.secretKey, config.storage.accessKey, ...notify].filter((s) => s.length >= 3);
}
