// Every kind of log entry, as one union keyed by `kind`, and one formatter per kind: a renamed or
// mistyped kind breaks the build, not a dashboard (zx's LogEntry in src/log.ts is the model). The
// kinds live in three groups: the run (./run-kinds.ts), each file (./file-kinds.ts), and what is
// around the sync (./service-kinds.ts).
import { FILE_KINDS, type FileEntry } from './file-kinds.ts';
import { without, type KindFormat, type KindFormats, type LogFields, type LogLevel } from './kind-format.ts';
import { RUN_KINDS, type RunEntry } from './run-kinds.ts';
import { SERVICE_KINDS, type ServiceEntry } from './service-kinds.ts';

export type LogEntry = RunEntry | FileEntry | ServiceEntry;
export type LogKind = LogEntry['kind'];
export type EntryOf<K extends LogKind> = Extract<LogEntry, { kind: K }>;

export const LOG_KINDS: KindFormats<LogEntry> = { ...RUN_KINDS, ...FILE_KINDS, ...SERVICE_KINDS };

// The level, message and fields of one entry, through its kind's formatter.
export function formatEntry(entry: LogEntry): { level: LogLevel; msg: string; fields: LogFields } {
  const format = LOG_KINDS[entry.kind] as KindFormat<LogEntry>;
  const level = typeof format.level === 'function' ? format.level(entry) : format.level;
  return { level, msg: format.message(entry), fields: format.fields ? format.fields(entry) : without(entry) };
}
