// The hash cache's journal: one JSON entry per line, appended (and fsynced) as each upload is
// verified, read back and folded into the snapshot by the next run. A crash can cut its last line.
import fs from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from './types.ts';
import { isEntry } from './snapshot.ts';

// The journal's entries (none when there is no journal), how many lines were torn (cut by a
// crash) or not entries, and the bucket its first line names (journals since version 3).
export function readJournal(file: string): { entries: CacheEntry[]; torn: number; destination?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], torn: 0 };
    throw e;
  }
  const entries: CacheEntry[] = [];
  let torn = 0;
  let destination: string | undefined;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e: unknown = JSON.parse(line);
      if (isEntry(e)) entries.push(e);
      else if (isDestinationLine(e)) destination ??= e.destination;
      else torn++;
    } catch {
      torn++;
    }
  }
  return { entries, torn, ...(destination !== undefined ? { destination } : {}) };
}

const isDestinationLine = (e: unknown): e is { destination: string } =>
  typeof (e as { destination?: unknown } | null)?.destination === 'string';

// Open the journal for appending; a new one first names the bucket it describes. A crash can leave
// its last line cut short; the next entry must not be glued onto it (and lost with it), so the torn
// tail is ended with a newline first.
export function openJournal(file: string, destination: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a+');
  const size = fs.fstatSync(fd).size;
  if (size === 0) fs.writeSync(fd, JSON.stringify({ destination }) + '\n');
  if (size > 0) {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
  }
  return fd;
}
