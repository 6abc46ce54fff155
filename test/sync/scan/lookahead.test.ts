import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lookahead, type AheadListing } from '../../../lib/sync/scan/lookahead.ts';
import type { Place } from '../../../lib/sync/scan/places.ts';

const place = (text: string): Place => ({ fs: text, text, rel: text, rawRel: undefined });

// A tree as listings: each directory's entries; a name ending in '/' is a real directory.
function lister(tree: Record<string, string[]>) {
  const listed: string[] = [];
  const list = (p: Place): AheadListing => {
    listed.push(p.text);
    return {
      wanted: (tree[p.text] ?? []).map((name) => ({
        place: place(`${p.text}/${name.replace(/\/$/, '')}`),
        directory: name.endsWith('/'),
      })),
    };
  };
  return { list, listed };
}

test("directories are listed ahead depth first in name order (the walk's order), links never", () => {
  const tree = {
    r: ['b/', 'a/', 'f1', 'link'],
    'r/a': ['y/', 'x/', 'f'],
    'r/a/x': ['f'],
    'r/a/y': ['f'],
    'r/b': ['f'],
  };
  const { list, listed } = lister(tree);
  const ahead = new Lookahead(list, 1000);
  ahead.from(list(place('r')));
  assert.equal(listed, ['r', 'r/a', 'r/a/x', 'r/a/y', 'r/b']);
  assert.ok(ahead.take('r/a'));
  assert.is(ahead.take('r/a'), undefined, 'handed over once');
  assert.is(ahead.take('r/link'), undefined, 'a link is listed by the walk itself');
});

test('at most the budget ahead; what the walk takes makes room for the next', () => {
  const tree: Record<string, string[]> = { r: ['d1/', 'd2/', 'd3/', 'd4/'] };
  for (let i = 1; i <= 4; i++) tree[`r/d${i}`] = Array.from({ length: 9 }, (_, j) => `f${j}`);
  const { list, listed } = lister(tree);
  const ahead = new Lookahead(list, 15); // a listing of 9 files weighs 10
  ahead.from(list(place('r')));
  assert.equal(listed, ['r', 'r/d1', 'r/d2'], 'stops once 15 are ahead');
  ahead.take('r/d1');
  assert.equal(listed, ['r', 'r/d1', 'r/d2', 'r/d3']);
  ahead.take('r/d2');
  ahead.take('r/d3');
  assert.equal(listed.at(-1), 'r/d4');
});

test('a folder that contains itself (a bind mount of a parent) is listed no further than the budget', () => {
  const { listed } = lister({});
  const ahead = new Lookahead((p: Place): AheadListing => {
    listed.push(p.text);
    return { wanted: [{ place: place(`${p.text}/loop`), directory: true }] };
  }, 50);
  ahead.from({ wanted: [{ place: place('r/loop'), directory: true }] });
  assert.is(listed.length, 25, 'each empty listing weighs 2 (itself and its one entry)');
});

test.run();
