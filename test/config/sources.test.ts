import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSources } from '../../lib/config/sources.ts';
import { Expected } from '../../lib/config/values.ts';
import { tempDir } from '../support/env.ts';

const root = tempDir('src');
const a = path.join(root, 'a');
const b = path.join(root, 'b b');
fs.mkdirSync(path.join(b, 'inner'), { recursive: true });
fs.mkdirSync(a, { recursive: true });
const parse = (raw: string) => {
  const problems: string[] = [];
  return { sources: parseSources(raw, root, (t) => problems.push(t)), problems };
};

test('a bare path puts its files at the top; only name=/path adds a key segment (adding a directory never re-keys another)', () => {
  assert.equal(parse(a).sources, [{ name: 'a', path: a, keySegment: '' }]);
  assert.equal(
    parse(`${a},tdd=${b}`).sources.map((s) => [s.name, s.keySegment]),
    [
      ['a', ''],
      ['tdd', 'tdd/'],
    ],
  );
  assert.equal(
    parse(`["${a}", "${b}"]`).sources.map((s) => s.keySegment),
    ['', ''],
  );
  assert.equal(
    parse(`["x y=${a}", "b=${b}"]`).sources.map((s) => s.keySegment),
    ['x_y/', 'b/'],
  );
  assert.equal(parse('a').sources[0]?.path, a, 'relative to the project folder');
});

test('every problem is reported: missing, badly named, duplicate names, nesting; nothing at all throws', () => {
  assert.equal(parse(`${a},${path.join(root, 'gone')}`).problems, [
    `expected an existing directory, got ${JSON.stringify(path.join(root, 'gone'))}`,
  ]);
  assert.match(parse(`bad*name=${a},${b}`).problems.join(), /expected a name of letters/);
  assert.match(parse(`x=${a},x=${b}`).problems.join(), /expected distinct names/);
  assert.equal(parse(`${a},a=${b}`).problems, [], 'a bare path has no segment to collide with');
  assert.match(parse(`${b},${path.join(b, 'inner')}`).problems.join(), /do not contain each other/);
  assert.throws(
    () => parse(' , '),
    (e: unknown) => e instanceof Expected && e.message === 'one or more directories',
  );
});

test.run();
