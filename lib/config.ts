// Typed, validated configuration. Precedence, highest first: command-line flags (passed as
// `overrides`) → process environment → the .env file → the defaults below.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { CONFIG_KEYS, type ConfigKey } from './config-keys.ts';
import { parseCommand, parseDurationMs, parseList } from './config-values.ts';
import { ConfigError } from './errors.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIB = 1024 * 1024;
const MIN_PART_SIZE_MB = 5;

export interface SourceDir {
  readonly name: string;
  readonly path: string;
  // Leading key segment for this directory's objects ('' when a single unnamed directory is configured).
  readonly keySegment: string;
}

export interface StorageConfig {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly partSizeBytes: number;
}

export interface DockerConfig {
  readonly ensureContainers: readonly string[];
  readonly djangoContainer: string;
  readonly processCommand: readonly string[];
  readonly processTimeoutMs: number;
  readonly startTimeoutMs: number;
  // DOCKER_* settings for the docker CLI's environment (from the environment or .env).
  readonly cliEnv: Readonly<Record<string, string>>;
}

export interface HealthConfig {
  readonly model: string;
  readonly keyField: string;
  readonly timeField: string;
  readonly windowMs: number;
  readonly maxAgeMs: number;
}

export interface Config {
  readonly storage: StorageConfig;
  readonly sources: readonly SourceDir[];
  readonly cacheFile: string;
  readonly lockFile: string;
  readonly logDir: string;
  readonly concurrency: number;
  readonly stableAfterMs: number;
  readonly partialSuffixes: readonly string[];
  readonly exclude: readonly string[];
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly docker: DockerConfig;
  readonly health: HealthConfig;
  readonly cronSchedule: string;
  readonly cronTz: string;
}

// Raw flag values, validated like the environment's.
export interface ConfigOverrides {
  readonly concurrency?: string;
  readonly cronSchedule?: string;
  readonly healthWindow?: string;
  readonly healthMaxAge?: string;
}

export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  // .env file to read; a missing default file is fine, a missing explicit one is an error.
  readonly envFile?: string;
  readonly envFileRequired?: boolean;
  readonly overrides?: ConfigOverrides;
  readonly root?: string;
}


const BUCKET_RE = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

// Read and validate the whole configuration, reporting every bad value at once.
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const root = options.root ?? PROJECT_ROOT;
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const envFile = path.resolve(root, options.envFile ?? '.env');
  let fileValues: Record<string, string> = {};
  if (fs.existsSync(envFile)) {
    fileValues = dotenv.parse(fs.readFileSync(envFile));
  } else if (options.envFileRequired) {
    problems.push(`--env-file: expected a readable file, got ${JSON.stringify(envFile)} (not found)`);
  }
  const raw = (key: ConfigKey): string => env[key] ?? fileValues[key] ?? CONFIG_KEYS[key].default;
  const got = (v: string) => JSON.stringify(v);
  const required = (key: ConfigKey, what: string): string => {
    const v = raw(key).trim();
    if (!v) problems.push(`${key}: expected ${what}, got nothing`);
    return v;
  };
  const integer = (key: ConfigKey, min: number, max: number, override?: string, flag?: string): number => {
    const v = (override ?? raw(key)).trim();
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      problems.push(`${override !== undefined ? flag : key}: expected a whole number from ${min} to ${max}, got ${got(v)}`);
      return min;
    }
    return n;
  };
  const list = (key: ConfigKey): string[] => {
    try {
      return parseList(raw(key));
    } catch (e) {
      problems.push(`${key}: ${(e as Error).message}, got ${got(raw(key))}`);
      return [];
    }
  };
  const filePath = (key: ConfigKey): string => {
    const v = raw(key).trim();
    if (!v) problems.push(`${key}: expected a path, got nothing`);
    return path.resolve(root, v);
  };

  // Storage
  const endpointRaw = required('MINIO_ENDPOINT', 'a URL like http://127.0.0.1:9000');
  let endPoint = '';
  let port = 0;
  let useSSL = false;
  if (endpointRaw) {
    let url: URL | undefined;
    try {
      url = new URL(endpointRaw);
    } catch {
      /* reported below */
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname || (url.pathname !== '/' && url.pathname !== '')) {
      problems.push(`MINIO_ENDPOINT: expected a URL like http://127.0.0.1:9000 (scheme, host, optional port, no path), got ${got(endpointRaw)}`);
    } else {
      useSSL = url.protocol === 'https:';
      endPoint = url.hostname.replace(/^\[|\]$/g, '');
      port = url.port ? Number(url.port) : useSSL ? 443 : 80;
    }
  }
  const accessKey = required('MINIO_ACCESS_KEY', 'an access key');
  const secretKey = required('MINIO_SECRET_KEY', 'a secret key');
  const bucket = required('MINIO_BUCKET', 'a bucket name');
  if (bucket && !BUCKET_RE.test(bucket)) {
    problems.push(`MINIO_BUCKET: expected 3-63 lowercase letters, digits, dots or hyphens, got ${got(bucket)}`);
  }
  let prefix = raw('MINIO_PREFIX').trim().replace(/^\/+/, '');
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  if (prefix.split('/').some((seg) => seg === '..' || seg === '.')) {
    problems.push(`MINIO_PREFIX: expected a key prefix without . or .. segments, got ${got(prefix)}`);
  }
  const partSizeMb = integer('SYNC_PART_SIZE_MB', MIN_PART_SIZE_MB, 5 * 1024);

  // Sources
  const sources: SourceDir[] = [];
  const dirEntries = list('SYNC_DOWNLOAD_DIRS');
  if (!dirEntries.length && !problems.some((p) => p.startsWith('SYNC_DOWNLOAD_DIRS'))) {
    problems.push('SYNC_DOWNLOAD_DIRS: expected one or more directories, got nothing');
  }
  const named = dirEntries.length > 1 || dirEntries.some((e) => /^[^/=]+=/.test(e));
  for (const entry of dirEntries) {
    const m = /^([^/=]+)=(.+)$/.exec(entry);
    const dir = path.resolve(root, m ? m[2]! : entry);
    const name = m ? m[1]!.trim() : path.basename(dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      problems.push(`SYNC_DOWNLOAD_DIRS: expected an existing directory, got ${got(dir)}`);
    }
    if (named && (!/^[\w .@-]+$/.test(name) || name === '.' || name === '..')) {
      problems.push(`SYNC_DOWNLOAD_DIRS: expected a name of letters, digits, space, . _ @ - for ${got(dir)}, got ${got(name)} (use name=/path)`);
    }
    sources.push({ name, path: dir, keySegment: named ? `${name.replace(/ /g, '_')}/` : '' });
  }
  const seenSegments = new Map<string, string>();
  for (const s of sources) {
    const other = seenSegments.get(s.keySegment);
    if (other !== undefined) {
      problems.push(`SYNC_DOWNLOAD_DIRS: expected distinct names, got ${got(s.name)} for both ${got(other)} and ${got(s.path)} (use name=/path)`);
    }
    seenSegments.set(s.keySegment, s.path);
  }
  for (const a of sources) {
    for (const b of sources) {
      if (a !== b && (b.path + path.sep).startsWith(a.path + path.sep)) {
        problems.push(`SYNC_DOWNLOAD_DIRS: expected directories that do not contain each other, got ${got(b.path)} inside ${got(a.path)}`);
      }
    }
  }

  const partialSuffixes = list('SYNC_PARTIAL_SUFFIXES').map((s) => s.toLowerCase());
  for (const s of partialSuffixes) {
    if (!s.startsWith('.')) problems.push(`SYNC_PARTIAL_SUFFIXES: expected suffixes starting with ".", got ${got(s)}`);
  }

  let processCommand: string[] = [];
  try {
    processCommand = parseCommand(raw('PROCESS_COMMAND'));
  } catch (e) {
    problems.push(`PROCESS_COMMAND: ${(e as Error).message}, got ${got(raw('PROCESS_COMMAND'))}`);
  }
  const djangoContainer = raw('DJANGO_CONTAINER').trim();
  if (djangoContainer && !processCommand.length) problems.push('PROCESS_COMMAND: expected a command, got nothing');

  const hours = (key: ConfigKey, override: string | undefined, flag: string): number => {
    const v = (override ?? raw(key)).trim();
    const ms = parseDurationMs(v);
    if (ms === undefined || ms <= 0) {
      problems.push(`${override !== undefined ? flag : key}: expected a duration like 24, 24h, 90m or 2d, got ${got(v)}`);
      return 3600_000;
    }
    return ms;
  };
  const identifier = (key: ConfigKey, dotted: boolean): string => {
    const v = raw(key).trim();
    if (v && !(dotted ? /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/ : /^[A-Za-z_]\w*$/).test(v)) problems.push(`${key}: expected ${dotted ? 'app_label.Model or a table name' : 'a field name'}, got ${got(v)}`);
    return v;
  };

  const config: Config = {
    storage: {
      endPoint,
      port,
      useSSL,
      accessKey,
      secretKey,
      region: raw('MINIO_REGION').trim() || 'us-east-1',
      bucket,
      prefix,
      partSizeBytes: partSizeMb * MIB,
    },
    sources,
    cacheFile: filePath('SYNC_CACHE_FILE'),
    lockFile: filePath('SYNC_LOCK_FILE'),
    logDir: filePath('SYNC_LOG_DIR'),
    concurrency: integer('SYNC_CONCURRENCY', 1, 64, options.overrides?.concurrency, '--concurrency'),
    stableAfterMs: integer('SYNC_STABLE_SECONDS', 0, 7 * 24 * 3600) * 1000,
    partialSuffixes,
    exclude: list('SYNC_EXCLUDE'),
    retries: integer('SYNC_RETRIES', 0, 20),
    retryBaseMs: integer('SYNC_RETRY_BASE_MS', 1, 60_000),
    docker: {
      ensureContainers: list('SYNC_CONTAINERS'),
      djangoContainer,
      processCommand,
      processTimeoutMs: integer('PROCESS_TIMEOUT_SECONDS', 1, 7 * 24 * 3600) * 1000,
      startTimeoutMs: integer('CONTAINER_START_TIMEOUT_SECONDS', 1, 3600) * 1000,
      cliEnv: Object.fromEntries((['DOCKER_HOST', 'DOCKER_CONTEXT'] as const).map((k) => [k, raw(k).trim()]).filter(([, v]) => v)),
    },
    health: {
      model: identifier('HEALTH_MODEL', true),
      keyField: identifier('HEALTH_KEY_FIELD', false),
      timeField: identifier('HEALTH_TIME_FIELD', false),
      windowMs: hours('HEALTH_WINDOW_HOURS', options.overrides?.healthWindow, '--since'),
      maxAgeMs: hours('HEALTH_MAX_AGE_HOURS', options.overrides?.healthMaxAge, '--max-age'),
    },
    cronSchedule: (options.overrides?.cronSchedule ?? raw('CRON_SCHEDULE')).trim(),
    cronTz: raw('CRON_TZ').trim(),
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

// The values that must never reach a log or the terminal.
export function secretsOf(config: Pick<Config, 'storage'>): string[] {
  return [config.storage.secretKey, config.storage.accessKey].filter((s) => s.length >= 3);
}

