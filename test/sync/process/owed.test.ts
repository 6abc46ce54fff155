import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clearOwed, owedWriter, readOwed } from '../../../lib/sync/process/owed.ts';
import { tempDir } from '../../support/env.ts';

test('keys are appended as they come, read back once each, and cleared; an older date-only marker still owes', () => {
  const file = path.join(tempDir('owed'), 'state', 'processing.owed');
  assert.equal(readOwed(file), { any: false, keys: [] });
  const w = owedWriter(file);
  w.add('a.jpg');
  w.add('b c.jpg');
  assert.equal(readOwed(file), { any: true, keys: ['a.jpg', 'b c.jpg'] }, 'visible before the writer closes');
  w.add('a.jpg');
  w.close();
  assert.equal(readOwed(file).keys, ['a.jpg', 'b c.jpg']);
  clearOwed(file);
  assert.equal(readOwed(file), { any: false, keys: [] });
  fs.writeFileSync(file, '2026-12-01T03:00:00.000Z\n');
  assert.equal(readOwed(file), { any: true, keys: [] });
});

test.run();
