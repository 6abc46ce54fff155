import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { objectKeyFor } from '../../../lib/sync/plan/keys.ts';

const src = { keySegment: '' };
const key = (rel: string, prefix = '', s = src) => {
  const r = objectKeyFor(prefix, s, rel);
  return r.ok ? r.key : `!${r.problem}`;
};

test('spaces and other white space become underscores; folders kept', () => {
  assert.is(key('News Channel/2024_01/12 - holiday photo.jpg'), 'News_Channel/2024_01/12_-_holiday_photo.jpg');
  assert.is(key('tab\there'), 'tab_here');
  assert.is(key('nbsp\u00a0name'), 'nbsp_name');
});

test('Unicode is normalised to NFC; emoji kept', () => {
  assert.is(key('Cafe\u0301/re\u0301sume\u0301.pdf'), 'Caf\u00e9/r\u00e9sum\u00e9.pdf');
  assert.is(key('🎬 Films/🎉.mp4'), '🎬_Films/🎉.mp4');
});

test('control characters never reach a key; . and .. segments are refused', () => {
  assert.is(key('bad\u0001name\u007f.txt'), 'bad_name_.txt');
  assert.match(key('a/../b'), /^!path segment "\.\."/);
  assert.match(key('./b'), /^!path segment "\."/);
});

test('prefix and directory segment lead; overlong keys are refused', () => {
  assert.is(key('x.txt', 'telegram/', { keySegment: 'tdl/' }), 'telegram/tdl/x.txt');
  assert.match(key('a'.repeat(1100)), /longer than 1024 bytes/);
});

test.run();
