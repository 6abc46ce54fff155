import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSampleDownloads, SAMPLE_FILES } from '../../lib/dev/sample-downloads.ts';
import { tempDir } from '../support/env.ts';

test('the sample tree: every file written, tdl files carry their message date as mtime', () => {
  const root = tempDir('sample');
  const written = createSampleDownloads(root);
  assert.is(written.length, SAMPLE_FILES.length);
  for (const f of SAMPLE_FILES) {
    const st = fs.statSync(path.join(root, f.rel));
    assert.is(st.size, Buffer.byteLength(f.content));
    if (f.messageDate) assert.is(st.mtime.getTime(), f.messageDate.getTime());
  }
  assert.ok(SAMPLE_FILES.some((f) => f.rel.endsWith('.tmp')) && SAMPLE_FILES.some((f) => f.rel.endsWith('.tdd')));
});

test.run();
