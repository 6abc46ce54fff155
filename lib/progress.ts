// Progress on a terminal: files and bytes done of the total, the rate and the time left, redrawn
// as parts of large files go up and at least once a second; silent when the stream is not a TTY
// (cron).
import { formatBytes } from './humanize.ts';

export interface Progress {
  update(done: { files: number; bytes: number }): void;
  finish(): void;
}

export interface ProgressOptions {
  readonly now?: () => number;
  // Redraws at most this often on updates, and at least once a second without.
  readonly everyMs?: number;
}

export function createProgress(
  stream: NodeJS.WriteStream,
  total: { files: number; bytes: number },
  o: ProgressOptions = {},
): Progress {
  if (!stream.isTTY || total.files === 0) return { update() {}, finish() {} };
  const now = o.now ?? Date.now;
  const everyMs = o.everyMs ?? 250;
  const started = now();
  let last = 0;
  let shown = false;
  let done = { files: 0, bytes: 0 };
  const draw = () => {
    const t = now();
    last = t;
    shown = true;
    stream.write(`\r\x1b[K${progressLine(done, total, (t - started) / 1000)}`);
  };
  const ticker = setInterval(draw, 1000);
  ticker.unref();
  return {
    update(d) {
      done = d;
      if (now() - last >= everyMs || d.files >= total.files) draw();
    },
    finish() {
      clearInterval(ticker);
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

// "12/33 files, 120.0 MiB of 300.0 MiB (40%), 42.3 MiB/s, about 4 s left".
export function progressLine(
  done: { files: number; bytes: number },
  total: { files: number; bytes: number },
  seconds: number,
): string {
  const rate = done.bytes / Math.max(0.001, seconds);
  const pct = total.bytes > 0 ? ` (${Math.floor((done.bytes / total.bytes) * 100)}%)` : '';
  const left =
    rate > 0 && total.bytes > done.bytes ? `, about ${Math.ceil((total.bytes - done.bytes) / rate)} s left` : '';
  return (
    `${done.files}/${total.files} files, ${formatBytes(done.bytes)} of ${formatBytes(total.bytes)}${pct}, ` +
    `${formatBytes(rate)}/s${left}`
  );
}

// Watch mode's live line on a terminal, after each batch: what it did and what it did since start.
export function watchStatusLine(
  at: Date,
  batch: { ok: boolean; uploaded: number; bytes: number; failed: number } | undefined,
  sinceStart: number,
): string {
  const time = at.toTimeString().slice(0, 8);
  const what = batch
    ? `${batch.ok ? 'ok' : 'FAILED'}, uploaded ${batch.uploaded} (${formatBytes(batch.bytes)})` +
      (batch.failed ? `, ${batch.failed} failed` : '')
    : 'FAILED (see the log)';
  return `watching: last batch ${time} ${what}; ${sinceStart} uploaded since start`;
}
