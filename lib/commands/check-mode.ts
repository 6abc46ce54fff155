// `sync --check`: the local files against the bucket (lib/sync/check/check.ts), said plainly or as
// JSON; exit 15 when a local file is missing or different in the bucket. Writes nothing.
import type { Config } from '../config/types.ts';
import { CheckFailedError, EXIT_CODES } from '../errors.ts';
import { listSome } from '../humanize.ts';
import type { Logger } from '../log/logger.ts';
import { checkBucket, type CheckItem, type CheckResult } from '../sync/check/check.ts';
import { storageFor } from './wiring.ts';

const LISTED = 50;

export async function runCheck(config: Config, log: Logger, json: boolean): Promise<number> {
  const result = await checkBucket(config, storageFor(config, log));
  const where = `bucket ${config.storage.bucket}${config.storage.prefix ? ` under ${config.storage.prefix}` : ''}`;
  process.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : checkText(result, where));
  const bad = result.missing.length + result.differ.length;
  if (!bad) return EXIT_CODES.ok;
  throw new CheckFailedError(
    `${bad} local file(s) not in ${where} as they are: ${listSome(
      [...result.missing, ...result.differ].map((i) => i.path),
      5,
    )}`,
  );
}

export function checkText(r: CheckResult, where: string): string {
  const head =
    `check: ${r.files} local file(s) against ${where}: ${r.matched} in the bucket, ` +
    `${r.missing.length} missing, ${r.differ.length} different; ${r.onlyInBucket.length} object(s) with no local file` +
    (r.unchecked.length ? `; ${r.unchecked.length} not checked` : '');
  const items = (title: string, list: readonly CheckItem[]) =>
    section(
      title,
      list.map((i) => `${i.path} → ${i.key}: ${i.detail}`),
    );
  return (
    [
      head,
      ...items('missing', r.missing),
      ...items('different', r.differ),
      ...section('only in the bucket', r.onlyInBucket),
      ...section(
        'not checked',
        r.unchecked.map((i) => `${i.path}: ${i.detail}`),
      ),
    ].join('\n') + '\n'
  );
}

function section(title: string, lines: readonly string[]): string[] {
  if (!lines.length) return [];
  const more = lines.length > LISTED ? [`  … and ${lines.length - LISTED} more (--json lists them all)`] : [];
  return [`${title} (${lines.length}):`, ...lines.slice(0, LISTED).map((l) => `  ${l}`), ...more];
}
