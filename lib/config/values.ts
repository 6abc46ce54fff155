// Parsers for configuration values. Each takes the raw text and returns the typed value, or
// throws Expected naming what it wanted; the loader adds the key and what it got.

// "expected <this>, got <raw>" — thrown by a parser, reported by the loader.
export class Expected extends Error {}

// Split a list value: a JSON array, or comma-separated items (blank items dropped).
export function parseList(raw: string): string[] {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Expected('a JSON array of strings');
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string'))
      throw new Expected('a JSON array of strings');
    return parsed.map((v) => v.trim()).filter(Boolean);
  }
  return trimmed
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

// Split a command line on whitespace, or take a JSON array as it is (for arguments with spaces).
export function parseCommand(raw: string): string[] {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) return parseList(trimmed);
  return trimmed.split(/\s+/).filter(Boolean);
}

// "24" (in `bareUnit`), "24h", "90m", "2d", "30s" → milliseconds; undefined when unreadable.
export function parseDurationMs(text: string, bareUnit: 'h' | 's' = 'h'): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] || bareUnit;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 's' | 'm' | 'h' | 'd'];
}

export const text = (raw: string): string => raw.trim();

export const required =
  (what: string) =>
  (raw: string): string => {
    const v = raw.trim();
    if (!v) throw new Expected(what);
    return v;
  };

export const wholeNumber =
  (min: number, max: number) =>
  (raw: string): number => {
    const v = raw.trim();
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new Expected(`a whole number from ${min} to ${max}`);
    return n;
  };

// Whole seconds in the range, as milliseconds.
export const secondsAsMs =
  (min: number, max: number) =>
  (raw: string): number =>
    wholeNumber(min, max)(raw) * 1000;

export const duration = (raw: string): number => {
  const ms = parseDurationMs(raw);
  if (ms === undefined || ms <= 0) throw new Expected('a duration like 24, 24h, 90m or 2d');
  return ms;
};

export const list = (raw: string): string[] => parseList(raw);

// One of the words given (case ignored).
export const oneOf =
  <W extends string>(...words: readonly W[]) =>
  (raw: string): W => {
    const w = raw.trim().toLowerCase();
    if (!(words as readonly string[]).includes(w)) throw new Expected(words.join(' or '));
    return w as W;
  };

export const command = (raw: string): string[] => parseCommand(raw);

export const identifier =
  (dotted: boolean) =>
  (raw: string): string => {
    const v = raw.trim();
    if (v && !(dotted ? /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/ : /^[A-Za-z_]\w*$/).test(v))
      throw new Expected(dotted ? 'app_label.Model or a table name' : 'a field name');
    return v;
  };

export interface Endpoint {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
}

export const endpoint = (raw: string): Endpoint => {
  const v = required('a URL like http://127.0.0.1:9000')(raw);
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    /* reported below */
  }
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    !url.hostname ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new Expected('a URL like http://127.0.0.1:9000 (scheme, host, optional port, no path)');
  }
  const useSSL = url.protocol === 'https:';
  return {
    useSSL,
    endPoint: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
  };
};

// S3's bucket naming rules (MinIO's and Ceph RGW's are a subset): 3-63 lowercase letters, digits,
// dots and hyphens, starting and ending with a letter or digit, no ".." or "." next to "-", not
// an IP address, none of AWS's reserved prefixes and suffixes.
const BUCKET_RULES: Array<[RegExp, string, boolean]> = [
  [
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    '3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit',
    true,
  ],
  [/\.\.|\.-|-\./, 'no ".." and no "." next to "-"', false],
  [/^\d+\.\d+\.\d+\.\d+$/, 'a name that is not an IP address', false],
  [/^(xn--|sthree-)|(-s3alias|--ol-s3)$/, 'no reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3)', false],
];

export const bucketName = (raw: string): string => {
  const v = required('a bucket name')(raw);
  for (const [re, rule, mustMatch] of BUCKET_RULES)
    if (re.test(v) !== mustMatch) throw new Expected(`an S3 bucket name: ${rule}`);
  return v;
};

// '' or a prefix ending in '/', without a leading '/' and without . or .. segments.
export const keyPrefix = (raw: string): string => {
  let prefix = raw.trim().replace(/^\/+/, '');
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  if (prefix.split('/').some((seg) => seg === '..' || seg === '.'))
    throw new Expected('a key prefix without . or .. segments');
  return prefix;
};

export const suffixes = (raw: string): string[] => {
  const all = parseList(raw).map((s) => s.toLowerCase());
  const bad = all.filter((s) => !s.startsWith('.'));
  if (bad.length)
    throw new Expected(`suffixes starting with "." (not ${bad.map((s) => JSON.stringify(s)).join(', ')})`);
  return all;
};

// An http(s) URL (the Telegram Bot API's base, a webhook); empty = not set.
export const httpUrl = (raw: string): string => {
  const v = raw.trim();
  if (!v) return '';
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    /* reported below */
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname)
    throw new Expected('an http:// or https:// URL');
  return v.replace(/\/+$/, '');
};

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

// "host:port", ":port" or "port"; "on"/"true"/"yes" = 127.0.0.1:9464; empty or "off" = none.
export const listenAddress = (raw: string): ListenAddress | undefined => {
  const v = raw.trim().toLowerCase();
  if (!v || ['off', 'false', 'no', '0'].includes(v)) return undefined;
  if (['on', 'true', 'yes', '1'].includes(v)) return { host: '127.0.0.1', port: 9464 };
  const m = /^(?:(\[[0-9a-f:]+\]|[a-z0-9.-]*):)?(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new Expected('host:port (e.g. 127.0.0.1:9464), a port, or "on"');
  return { host: (m[1] || '127.0.0.1').replace(/^\[|\]$/g, ''), port };
};
