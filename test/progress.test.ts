import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createProgress, watchStatusLine } from '../lib/progress.ts';

const stream = (isTTY: boolean) => {
  const s = new PassThrough() as PassThrough & { isTTY: boolean };
  s.isTTY = isTTY;
  let text = '';
  s.on('data', (d) => (text += d));
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
};

test('on a terminal: files, bytes of the total, rate and time left, redrawn in place and cleared at the end', () => {
  const { s, text } = stream(true);
  let t = 0;
  const p = createProgress(s, { files: 3, bytes: 8 * 1024 * 1024 }, { now: () => t, everyMs: 100 });
  t = 1000;
  p.update({ files: 1, bytes: 1024 * 1024 });
  t = 1050;
  p.update({ files: 2, bytes: 2 * 1024 * 1024 }); // throttled
  t = 2000;
  p.update({ files: 3, bytes: 4 * 1024 * 1024 });
  p.finish();
  assert.is(
    text(),
    '\r\x1b[K1/3 files, 1.0 MiB of 8.0 MiB (12%), 1.0 MiB/s, about 7 s left' +
      '\r\x1b[K3/3 files, 4.0 MiB of 8.0 MiB (50%), 2.0 MiB/s, about 2 s left\r\x1b[K',
  );
});

test('under cron (no TTY): no progress noise at all', () => {
  const { s, text } = stream(false);
  const p = createProgress(s, { files: 3, bytes: 10 });
  p.update({ files: 3, bytes: 10 });
  p.finish();
  assert.is(text(), '');
});

test('without updates (one large file going up) the line is still redrawn every second', async () => {
  const { s, text } = stream(true);
  const p = createProgress(s, { files: 1, bytes: 100 });
  await new Promise((r) => setTimeout(r, 1300));
  p.finish();
  assert.match(text(), /^\r\x1b\[K0\/1 files, 0 B of 100 B \(0%\)/);
});

test("watch mode's status line: the last batch and what was uploaded since the start", () => {
  const at = new Date(2026, 11, 4, 15, 40, 5);
  assert.is(
    watchStatusLine(at, { ok: true, uploaded: 3, bytes: 3 * 1024 * 1024, failed: 0 }, 57),
    'watching: last batch 15:40:05 ok, uploaded 3 (3.0 MiB); 57 uploaded since start',
  );
  assert.is(
    watchStatusLine(at, { ok: false, uploaded: 0, bytes: 0, failed: 2 }, 57),
    'watching: last batch 15:40:05 FAILED, uploaded 0 (0 B), 2 failed; 57 uploaded since start',
  );
});

test.run();
