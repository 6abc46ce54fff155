import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { databaseQueryCode } from '../../lib/health/database.ts';

test('the Django query carries its parameters base64-encoded, never spliced into code', () => {
  const code = databaseQueryCode({
    model: 'scrap.ProcessedFile',
    key: 'key',
    time: 'processed_at',
    sinceSeconds: 60,
    keys: ['a"); import os; os.system("x'],
  });
  assert.not.match(code, /os\.system/);
  const b64 = /b64decode\("([^"]+)"\)/.exec(code)![1]!;
  assert.equal(JSON.parse(Buffer.from(b64, 'base64').toString()).keys, ['a"); import os; os.system("x']);
});

test.run();
