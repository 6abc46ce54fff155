// Processing owed: every object a run puts in the bucket is noted here (one key per line) before
// it is recorded as synced, and the note is cleared only when the processing command exits 0. So
// a run that fails to process, is killed, or stops before processing leaves the next run (nightly
// or watch) owing it, and the command is told exactly which keys (on its standard input).
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/types.ts';
import { stateDiskError } from '../../errors.ts';

export function owedFileFor(config: Pick<Config, 'lockFile'>): string {
  return path.join(path.dirname(config.lockFile), 'processing.owed');
}

export interface Owed {
  // Whether anything is owed, and the keys (an older marker holds a date and no keys).
  readonly any: boolean;
  readonly keys: readonly string[];
}

const DATE_LINE = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/;

export function readOwed(file: string): Owed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { any: false, keys: [] };
    throw e;
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  const keys = [...new Set(lines.filter((l) => !DATE_LINE.test(l)))];
  return { any: lines.length > 0, keys };
}

// Appends keys as they come (one open file for the run; the lines reach the OS at once, so a
// crash of the process loses none).
export function owedWriter(file: string): { add(key: string): void; close(): void } {
  let fd: number | undefined;
  return {
    add(key) {
      try {
        if (fd === undefined) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fd = fs.openSync(file, 'a');
        }
        fs.writeSync(fd, `${key.replace(/\n/g, ' ')}\n`);
      } catch (e) {
        throw stateDiskError(e, file) ?? e;
      }
    },
    close() {
      if (fd === undefined) return;
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = undefined;
    },
  };
}

export function clearOwed(file: string): void {
  fs.rmSync(file, { force: true });
}
