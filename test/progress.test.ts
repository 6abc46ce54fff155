import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createProgress } from '../lib/progress.ts';

const stream = (isTTY: boolean) => {
  const s = new PassThrough() as PassThrough & { isTTY: boolean };
  s.isTTY = isTTY;
  let text = '';
  s.on('data', (d) => (text += d));
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
};

test('on a terminal: files, bytes and rate, redrawn in place and cleared at the end', () => {
  const { s, text } = stream(true);
  let t = 0;
  const p = createProgress(s, 3, () => t, 100);
  t = 1000;
  p.update({ files: 1, bytes: 1024 * 1024 });
  t = 1050;
  p.update({ files: 2, bytes: 2 * 1024 * 1024 }); // throttled
  t = 2000;
  p.update({ files: 3, bytes: 4 * 1024 * 1024 });
  p.finish();
  assert.is(
    text(),
    '\r\x1b[K1/3 files, 1.0 MiB uploaded, 1.0 MiB/s\r\x1b[K3/3 files, 4.0 MiB uploaded, 2.0 MiB/s\r\x1b[K',
  );
});

test('under cron (no TTY): no progress noise at all', () => {
  const { s, text } = stream(false);
  const p = createProgress(s, 3);
  p.update({ files: 3, bytes: 10 });
  p.finish();
  assert.is(text(), '');
});

test.run();
