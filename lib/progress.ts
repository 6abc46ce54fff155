// Progress on a terminal (files and bytes done, rate); silent when the stream is not a TTY (cron).
import { formatBytes } from './humanize.ts';

export interface Progress {
  update(done: { files: number; bytes: number }): void;
  finish(): void;
}

export function createProgress(
  stream: NodeJS.WriteStream,
  totalFiles: number,
  now: () => number = Date.now,
  everyMs = 250,
): Progress {
  if (!stream.isTTY || totalFiles === 0) return { update() {}, finish() {} };
  const started = now();
  let last = 0;
  let shown = false;
  return {
    update({ files, bytes }) {
      const t = now();
      if (t - last < everyMs && files < totalFiles) return;
      last = t;
      shown = true;
      const rate = bytes / Math.max(0.001, (t - started) / 1000);
      stream.write(`\r\x1b[K${files}/${totalFiles} files, ${formatBytes(bytes)} uploaded, ${formatBytes(rate)}/s`);
    },
    finish() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
