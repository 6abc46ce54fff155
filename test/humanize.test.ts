import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatBytes, formatHours, listSome } from '../lib/humanize.ts';

test('bytes, hours, and a list cut short', () => {
  assert.equal([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes), [
    '0 B',
    '1023 B',
    '1.0 KiB',
    '1.5 KiB',
    '5.0 GiB',
  ]);
  assert.is(formatHours(5_400_000), '1.5 h');
  assert.is(listSome(['a', 'b', 'c'], 2), 'a, b … (+1 more)');
  assert.is(listSome(['a']), 'a');
});

test.run();
