import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nameToText, QUOTE, textToName } from '../../../lib/sync/scan/names.ts';

const cases: Array<[string, Buffer, string, boolean]> = [
  ['plain ASCII', Buffer.from('a b.txt'), 'a b.txt', true],
  ['valid UTF-8 (Cyrillic, emoji)', Buffer.from('фото 😀.jpg'), 'фото 😀.jpg', true],
  ['Latin-1 é', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]), `caf${QUOTE}E9.txt`, false],
  ['bytes FF FE', Buffer.from([0xff, 0xfe]), `${QUOTE}FF${QUOTE}FE`, false],
  ['a cut-off sequence then ASCII', Buffer.from([0xd0, 0x41]), `${QUOTE}D0A`, false],
  ['an overlong slash', Buffer.from([0xc0, 0xaf]), `${QUOTE}C0${QUOTE}AF`, false],
  ['a literal ‛ is doubled', Buffer.from(`a${QUOTE}E9`), `a${QUOTE}${QUOTE}E9`, false],
  ['a literal U+FFFD stays', Buffer.from('bad\uFFFDname'), 'bad\uFFFDname', true],
];

for (const [name, bytes, text, exact] of cases) {
  test(`${name}: text, and back to the same bytes`, () => {
    assert.equal(nameToText(bytes), { text, exact });
    assert.ok(textToName(text).equals(bytes));
  });
}

test('the text form is valid UTF-8 and tells a Latin-1 name from the real name it resembles', () => {
  const latin1 = nameToText(Buffer.from([0x63, 0x61, 0x66, 0xe9])).text;
  const real = nameToText(Buffer.from(`caf${QUOTE}E9`)).text;
  assert.is.not(latin1, real);
  assert.ok(Buffer.from(latin1).toString('utf8') === latin1);
});

test.run();
