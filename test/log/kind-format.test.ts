import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { without } from '../../lib/log/kind-format.ts';

test("without: an entry's fields but its kind and the keys named", () => {
  const e = { kind: 'x', a: 1, b: 2, c: 3 };
  assert.equal(without(e, 'b'), { a: 1, c: 3 });
  assert.equal(without(e), { a: 1, b: 2, c: 3 });
  assert.equal(e, { kind: 'x', a: 1, b: 2, c: 3 }, 'the entry itself is untouched');
});

test.run();
