// Nothing grows forever: dated logs and run records older than the retention are removed at the
// start of a run, and cron.log is cut to its tail when it gets large. (Damaged caches moved aside
// are kept to the newest few by lib/sync/cache/aside.ts.)
import fs from 'node:fs';
import path from 'node:path';
import type { Gate } from '../gate.ts';
import type { Logger } from '../log/logger.ts';
import { RUN_RECORDS_FILE } from './records.ts';
import type { RunSummary } from './summary.ts';

const DATED_LOG = /^telegram_sync_(\d{4})(\d{2})(\d{2})\.(log|jsonl)$/;
export const CRON_LOG_MAX_BYTES = 8 * 1024 * 1024;
export const CRON_LOG_KEEP_BYTES = 1024 * 1024;

export interface Pruned {
  readonly logFiles: number;
  readonly runRecords: number;
  readonly cronLogCut: boolean;
}

// Dated log files whose day ended more than `days` ago.
function oldLogFiles(logDir: string, cutoffMs: number): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(logDir);
  } catch {
    return [];
  }
  return names.filter((n) => {
    const m = DATED_LOG.exec(n);
    return m !== null && new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).getTime() < cutoffMs;
  });
}

// Rewrite the run records without those older than the cutoff (atomically); only when the first
// record is that old, so a run normally reads one line.
function pruneRunRecords(logDir: string, cutoffMs: number): number {
  const file = path.join(logDir, RUN_RECORDS_FILE);
  const isOld = (line: string) => {
    try {
      return Date.parse((JSON.parse(line) as RunSummary).finishedAt) < cutoffMs;
    } catch {
      return true; // a line cut by a crash
    }
  };
  const first = firstLine(file);
  if (first === undefined || !isOld(first)) return 0;
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const kept = lines.filter((l) => !isOld(l));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, kept.map((l) => l + '\n').join(''));
  fs.renameSync(tmp, file);
  return lines.length - kept.length;
}

// The first line of a file (read in 64 KiB steps), or undefined for a missing or empty file.
function firstLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const parts: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    for (let pos = 0, n; (n = fs.readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) {
      const nl = buf.subarray(0, n).indexOf(0x0a);
      parts.push(Buffer.from(buf.subarray(0, nl < 0 ? n : nl)));
      if (nl >= 0) break;
    }
    const line = Buffer.concat(parts).toString('utf8');
    return line || undefined;
  } finally {
    fs.closeSync(fd);
  }
}

// cron.log is appended to by the shell cron starts; cut it to its last part when it is large
// (the shell's O_APPEND descriptor keeps writing at the new end).
function cutCronLog(logDir: string): boolean {
  const file = path.join(logDir, 'cron.log');
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return false;
  }
  if (size <= CRON_LOG_MAX_BYTES) return false;
  const fd = fs.openSync(file, 'r+');
  try {
    const tail = Buffer.alloc(CRON_LOG_KEEP_BYTES);
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, tail, 0, tail.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

export function pruneLogs(logDir: string, o: { days: number; now: Date }): Pruned {
  const cutoffMs = o.now.getTime() - o.days * 86_400_000;
  const old = oldLogFiles(logDir, cutoffMs);
  for (const name of old) fs.rmSync(path.join(logDir, name), { force: true });
  return { logFiles: old.length, runRecords: pruneRunRecords(logDir, cutoffMs), cronLogCut: cutCronLog(logDir) };
}

// At the start of a run, through the dry-run gate; logged when anything went.
export async function pruneOldLogs(
  config: { readonly logDir: string; readonly logRetentionDays: number },
  deps: { readonly gate: Gate; readonly log: Logger; readonly now: Date },
): Promise<void> {
  const { logDir, logRetentionDays: days } = config;
  const pruned = await deps.gate.run('remove old logs', { dir: logDir, days }, () =>
    pruneLogs(logDir, { days, now: deps.now }),
  );
  if (pruned && (pruned.logFiles || pruned.runRecords || pruned.cronLogCut)) {
    deps.log.write({ kind: 'logs.pruned', ...pruned, days });
  }
}
