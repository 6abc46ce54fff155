import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createExcludeMatcher, globToRegExp, isPartialName } from '../../../lib/sync/scan/filters.ts';

test('glob helpers', () => {
  assert.ok(globToRegExp('**/*.jpg').test('a/b/c.jpg'));
  assert.ok(globToRegExp('**/*.jpg').test('c.jpg'));
  assert.not.ok(globToRegExp('*.jpg').test('a/c.jpg'));
  assert.ok(createExcludeMatcher(['*.jpg'])('a/c.jpg'));
  assert.ok(globToRegExp('file?.txt').test('file1.txt'));
  assert.not.ok(globToRegExp('a.b').test('axb'));
  assert.ok(isPartialName('X.PART', ['.part']));
});

test('a pattern without a slash matches a name at any depth; with one, the whole relative path', () => {
  const m = createExcludeMatcher(['*.nfo', 'keep/thumbs/**', '/top.txt']);
  assert.ok(m('a/b/c.nfo'));
  assert.ok(m('keep/thumbs/x/y.jpg'));
  assert.not.ok(m('other/keep/thumbs/y.jpg'));
  assert.ok(m('top.txt'));
  assert.not.ok(m('sub/top.txt'));
});

test.run();
