import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommand, parseDurationMs, parseList } from '../../lib/config/values.ts';

test('lists and commands', () => {
  assert.equal(parseList(' a, b ,,c '), ['a', 'b', 'c']);
  assert.equal(parseList('["x,y", "z"]'), ['x,y', 'z']);
  assert.equal(parseCommand('python  manage.py process_scrap'), ['python', 'manage.py', 'process_scrap']);
  assert.equal(parseCommand('["python", "manage.py", "run it"]'), ['python', 'manage.py', 'run it']);
});

test('durations', () => {
  assert.is(parseDurationMs('24'), 24 * 3_600_000);
  assert.is(parseDurationMs('90m'), 90 * 60_000);
  assert.is(parseDurationMs('2d'), 2 * 86_400_000);
  assert.is(parseDurationMs('1.5h'), 1.5 * 3_600_000);
  assert.is(parseDurationMs('soon'), undefined);
});

test.run();
