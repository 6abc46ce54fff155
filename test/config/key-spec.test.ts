import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { key, pathIn, type ParseContext } from '../../lib/config/key-spec.ts';

const ctx = (raw: Record<string, string> = {}, problems: string[] = []): ParseContext => ({
  root: '/srv/project',
  raw: (k) => raw[k] ?? '',
  problem: (p) => void problems.push(p),
});

test('a key written as phrases documents itself as one line; paths are relative to the project', () => {
  const k = key('x', ['first part,', 'second part'], (raw) => raw);
  assert.is(k.doc, 'first part, second part');
  assert.is(key('', 'one line', (r) => r).doc, 'one line');
  assert.is(pathIn('state/a.json', ctx()), '/srv/project/state/a.json');
  assert.is(pathIn('/abs/b', ctx()), '/abs/b');
  assert.throws(() => pathIn('  ', ctx()), /a path/);
});

test.run();
