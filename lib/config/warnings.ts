// What is wrong with a configuration but does not stop a run: names that are not keys (typos,
// most likely) and a file of secrets that others can read. Each warning says what to do.
import fs from 'node:fs';
import { didYouMean } from '../nearest.ts';
import { CONFIG_KEYS } from './table.ts';

// Prefixes of our keys; an unknown name with one of them is most likely a typo.
const OURS = /^(SYNC|MINIO|NOTIFY|DJANGO|PROCESS|HEALTH|CRON|CONTAINER)_/;
// Names others read from a shared .env (the MinIO server's, Docker's), never ours.
const OTHERS = /^(MINIO_(ROOT_USER|ROOT_PASSWORD|VOLUMES|OPTS|SERVER_URL|BROWSER.*|DOMAIN|SITE_.*)|DOCKER_.*)$/;
const SECRET_KEYS = [
  'MINIO_SECRET_KEY',
  'MINIO_ACCESS_KEY',
  'NOTIFY_TELEGRAM_BOT_TOKEN',
  'NOTIFY_WEBHOOK_URL',
  'SYNC_METRICS_TOKEN',
];

const known = Object.keys(CONFIG_KEYS);

function unknown(name: string): boolean {
  return !(name in CONFIG_KEYS) && !OTHERS.test(name);
}

// Names in the file that are not keys but look like ours or like one of them.
export function unknownFileKeys(file: string, values: Readonly<Record<string, string>>): string[] {
  return Object.keys(values)
    .filter(unknown)
    .map((name) => ({ name, hint: didYouMean(name, known) }))
    .filter(({ name, hint }) => OURS.test(name) || hint)
    .map(({ name, hint }) => `${file}: ${name} is not a key and is ignored${hint}`);
}

// Variables of the environment with our prefixes that are not keys.
export function unknownEnvKeys(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => /^(SYNC|MINIO|NOTIFY)_/.test(name) && unknown(name))
    .map((name) => `environment: ${name} is not a key and is ignored${didYouMean(name, known)}`);
}

// A file holding a secret that its group or others can read.
export function readableSecrets(file: string, values: Readonly<Record<string, string>>): string[] {
  const secrets = SECRET_KEYS.filter((k) => values[k]?.trim());
  if (!secrets.length) return [];
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return [];
  }
  if (!(mode & 0o077)) return [];
  const who = mode & 0o007 ? 'everyone on this machine' : 'its group';
  const octal = mode.toString(8).padStart(4, '0');
  return [`${file} holds ${secrets.join(', ')} and ${who} can read it (mode ${octal}): run chmod 600 ${file}`];
}
