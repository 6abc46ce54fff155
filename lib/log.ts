// Structured run log: typed records written as human lines (telegram_sync_YYYYMMDD.log) and as
// JSON lines (telegram_sync_YYYYMMDD.jsonl), with secrets masked before anything is written.
import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface LogRecord extends LogFields {
  readonly time: string;
  readonly level: LogLevel;
  readonly kind: string;
  readonly msg: string;
}

export interface Logger {
  debug(kind: string, msg: string, fields?: LogFields): void;
  info(kind: string, msg: string, fields?: LogFields): void;
  warn(kind: string, msg: string, fields?: LogFields): void;
  error(kind: string, msg: string, fields?: LogFields): void;
  // Paths of the files written (empty for a logger without a directory).
  readonly files: { readonly human?: string; readonly json?: string };
  close(): void;
}

export interface LoggerOptions {
  readonly dir?: string;
  readonly now?: () => Date;
  // Where human lines also go (stdout, stderr, or nothing); debug lines never go there.
  readonly console?: NodeJS.WritableStream | null;
  readonly secrets?: readonly string[];
  readonly runId?: string;
  readonly name?: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// Local-date stamp used in log file names.
export function dateStamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
}

export function logFilePaths(dir: string, when: Date, name = 'telegram_sync'): { human: string; json: string } {
  const stamp = dateStamp(when);
  return { human: path.join(dir, `${name}_${stamp}.log`), json: path.join(dir, `${name}_${stamp}.jsonl`) };
}

// Replace every occurrence of each secret with ***.
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

// Mask secrets in an error's message and in each of its causes, in place, before it is printed.
export function redactError<E>(error: E, secrets: readonly string[]): E {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    current.message = maskSecrets(current.message, secrets);
    current = current.cause;
  }
  return error;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v);
}

export function formatHuman(r: LogRecord): string {
  const { time, level, kind, msg, ...fields } = r;
  const extra = Object.entries(fields)
    .filter(([k, v]) => v !== undefined && k !== 'runId')
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
  return `${time} ${level.toUpperCase().padEnd(5)} ${kind}: ${msg}${extra ? `  ${extra}` : ''}`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? (() => new Date());
  const secrets = options.secrets ?? [];
  const out = options.console === undefined ? process.stdout : options.console;
  let humanFd: number | undefined;
  let jsonFd: number | undefined;
  let files: { human?: string; json?: string } = {};
  if (options.dir) {
    fs.mkdirSync(options.dir, { recursive: true });
    files = logFilePaths(options.dir, now(), options.name);
    humanFd = fs.openSync(files.human!, 'a');
    jsonFd = fs.openSync(files.json!, 'a');
  }
  const isTTY = Boolean(out && (out as NodeJS.WriteStream).isTTY);
  const write = (level: LogLevel, kind: string, msg: string, fields: LogFields = {}) => {
    const record: LogRecord = { time: now().toISOString(), level, kind, msg, ...(options.runId ? { runId: options.runId } : {}), ...fields };
    const human = maskSecrets(formatHuman(record), secrets);
    if (humanFd !== undefined) fs.writeSync(humanFd, human + '\n');
    if (jsonFd !== undefined) fs.writeSync(jsonFd, maskSecrets(JSON.stringify(record, errorReplacer), secrets) + '\n');
    if (out && level !== 'debug') out.write((isTTY ? '\r\x1b[K' : '') + human + '\n');
  };
  return {
    debug: (k, m, f) => write('debug', k, m, f),
    info: (k, m, f) => write('info', k, m, f),
    warn: (k, m, f) => write('warn', k, m, f),
    error: (k, m, f) => write('error', k, m, f),
    files,
    close() {
      if (humanFd !== undefined) fs.closeSync(humanFd);
      if (jsonFd !== undefined) fs.closeSync(jsonFd);
      humanFd = jsonFd = undefined;
    },
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

// A logger that keeps records in memory, for tests of modules that log.
export function createMemoryLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const add = (level: LogLevel) => (kind: string, msg: string, fields: LogFields = {}) => {
    records.push({ time: new Date().toISOString(), level, kind, msg, ...fields });
  };
  return { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error'), files: {}, close() {}, records };
}
