// The run log: typed entries (lib/log/kinds.ts) written as human lines (telegram_sync_YYYYMMDD.log)
// and as JSON lines (telegram_sync_YYYYMMDD.jsonl), secrets masked before anything is written.
import fs from 'node:fs';
import { stateDiskError, type StateDiskError } from '../errors.ts';
import path from 'node:path';
import { systemNow, type Now } from '../clock.ts';
import type { LogFields, LogLevel } from './kind-format.ts';
import { formatEntry, type LogEntry } from './kinds.ts';

export type { LogFields, LogLevel } from './kind-format.ts';
export type { LogEntry } from './kinds.ts';

export interface LogRecord extends LogFields {
  readonly time: string;
  readonly level: LogLevel;
  readonly kind: string;
  readonly msg: string;
}

export interface Logger {
  write(entry: LogEntry): void;
  // The same outputs, every record stamped with `fields` (the run id of a run).
  child(fields: { readonly runId: string }): Logger;
  // Paths of the files written (empty for a logger without a directory).
  readonly files: { readonly human?: string; readonly json?: string };
  // The log files' disk filled up (or turned read-only): lines went to the console only since.
  diskFailure(): StateDiskError | undefined;
  close(): void;
}

export interface LoggerOptions {
  readonly dir?: string;
  readonly now?: Now;
  // Where human lines also go (stdout, stderr, or nothing); debug lines never go there.
  readonly console?: NodeJS.WritableStream | null;
  // 'warn': only warnings and errors reach the console (a quiet terminal; the files get everything).
  readonly consoleLevel?: 'info' | 'warn';
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

// An entry as the record both outputs write.
export function toRecord(entry: LogEntry, time: Date, stamp: LogFields = {}): LogRecord {
  const { level, msg, fields } = formatEntry(entry);
  return { time: time.toISOString(), level, kind: entry.kind, msg, ...stamp, ...fields };
}

type Sink = (record: LogRecord) => void;

function loggerOver(
  sink: Sink,
  now: Now,
  stamp: LogFields,
  files: Logger['files'],
  close: () => void,
  diskFailure: () => StateDiskError | undefined = () => undefined,
): Logger {
  return {
    write: (entry) => sink(toRecord(entry, now(), stamp)),
    child: (fields) => loggerOver(sink, now, { ...stamp, ...fields }, files, () => {}, diskFailure),
    files,
    diskFailure,
    close,
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? systemNow;
  const secrets = options.secrets ?? [];
  const out = options.console === undefined ? process.stdout : options.console;
  let humanFd: number | undefined;
  let jsonFd: number | undefined;
  let files: { human?: string; json?: string } = {};
  let day = '';
  // The dated files of today; a process that runs past midnight (watch mode) moves to the next day's.
  const openToday = () => {
    if (!options.dir || humanFd === undefined || dateStamp(now()) === day) return;
    fs.closeSync(humanFd);
    fs.closeSync(jsonFd!);
    open(options.dir);
  };
  const open = (dir: string) => {
    day = dateStamp(now());
    Object.assign(files, logFilePaths(dir, now(), options.name));
    humanFd = fs.openSync(files.human!, 'a');
    jsonFd = fs.openSync(files.json!, 'a');
  };
  let failure: StateDiskError | undefined;
  const closeFiles = () => {
    if (humanFd !== undefined) fs.closeSync(humanFd);
    if (jsonFd !== undefined) fs.closeSync(jsonFd);
    humanFd = jsonFd = undefined;
  };
  // A full (or read-only) log disk stops the files, not the run: it is said once and reported.
  const onDisk = (e: unknown) => {
    failure = stateDiskError(e, files.human ?? options.dir ?? 'the log folder');
    if (!failure) throw e;
    closeFiles();
    out?.write(`${failure.message}; log lines go to this output only from now on\n`);
  };
  if (options.dir) {
    try {
      fs.mkdirSync(options.dir, { recursive: true });
      open(options.dir);
    } catch (e) {
      throw stateDiskError(e, options.dir) ?? e;
    }
  }
  const toConsole = consoleWriter(out);
  const shown = (level: LogLevel) =>
    level !== 'debug' && (options.consoleLevel !== 'warn' || level === 'warn' || level === 'error');
  const sink: Sink = (record) => {
    const human = maskSecrets(formatHuman(record), secrets);
    try {
      openToday();
      if (humanFd !== undefined) fs.writeSync(humanFd, human + '\n');
      if (jsonFd !== undefined)
        fs.writeSync(jsonFd, maskSecrets(JSON.stringify(record, errorReplacer), secrets) + '\n');
    } catch (e) {
      onDisk(e);
    }
    if (shown(record.level)) toConsole(record.level, human);
  };
  const stamp = options.runId ? { runId: options.runId } : {};
  return loggerOver(sink, now, stamp, files, closeFiles, () => failure);
}

// Errors go to stderr when the rest goes to stdout, as a shell user expects (and are said once:
// the script's runner prints nothing more for an error a run logged). On a terminal each line
// first clears the progress line.
function consoleWriter(out: NodeJS.WritableStream | null): (level: LogLevel, line: string) => void {
  const errOut = out === process.stdout ? process.stderr : out;
  const isTTY = (s: NodeJS.WritableStream | null) => Boolean(s && (s as NodeJS.WriteStream).isTTY);
  return (level, line) => {
    const to = level === 'error' ? errOut : out;
    to?.write((isTTY(to) ? '\r\x1b[K' : '') + line + '\n');
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

// A logger that keeps records in memory, for tests of modules that log.
export function createMemoryLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    ...loggerOver(
      (r) => records.push(r),
      systemNow,
      {},
      {},
      () => {},
    ),
    records,
  };
}
