import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createExcludeMatcher, isPartialName } from '../../../lib/sync/scan/filters.ts';

test('glob basics: * within a name, ** across folders, ?; partial suffixes ignore case', () => {
  assert.ok(createExcludeMatcher(['**/*.jpg'])('a/b/c.jpg'));
  assert.ok(createExcludeMatcher(['**/*.jpg'])('c.jpg'));
  assert.not.ok(createExcludeMatcher(['x/*.jpg'])('x/a/c.jpg'));
  assert.ok(createExcludeMatcher(['*.jpg'])('a/c.jpg'));
  assert.ok(createExcludeMatcher(['file?.txt'])('file1.txt'));
  assert.not.ok(createExcludeMatcher(['a.b'])('axb'));
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

test('what the hand-made matcher lacked: classes, braces, and ! taking an exclusion back (the last match decides)', () => {
  const m = createExcludeMatcher(['*.[ch]', '*.{nfo,txt}', '!keep.txt', 'thumbs/']);
  assert.ok(m('src/a.c') && m('b.h'));
  assert.not.ok(m('a.cc'));
  assert.ok(m('x/info.nfo') && m('notes.txt'));
  assert.not.ok(m('x/keep.txt'), '! takes it back at any depth');
  assert.ok(m('thumbs') && m('a/thumbs'), 'a trailing slash is dropped: the folder is skipped');
  assert.ok(createExcludeMatcher(['!a.txt', '*.txt'])('a.txt'), 'a later exclusion wins over an earlier !');
  assert.ok(createExcludeMatcher(['ÄÖ ü*.mp4'])('Kanal/ÄÖ ü 1.mp4'), 'Unicode and spaces');
});

test.run();
