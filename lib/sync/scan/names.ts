// File names as bytes. Linux names are bytes, not text: a volume copied from an old system can
// hold names that are not valid UTF-8 (Latin-1 "caf\xe9.txt"). Such a name still has to be
// opened (by its bytes) and given a key that is valid UTF-8, deterministic and distinct from
// every real name. The rule is rclone's InvalidUtf8 encoding (lib/encoder): each byte that is
// not part of a valid UTF-8 sequence becomes ‛XX (U+201B and two upper-case hex digits), and a
// literal ‛ is doubled, so the text form decodes back to exactly the bytes.

export const QUOTE = '\u201B';
const QUOTE_BYTES = Buffer.from(QUOTE);
const fatal = new TextDecoder('utf-8', { fatal: true });

// The length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none.
function validSequenceAt(bytes: Buffer, i: number): number {
  const b = bytes[i]!;
  const len = b < 0x80 ? 1 : b >> 5 === 0b110 ? 2 : b >> 4 === 0b1110 ? 3 : b >> 3 === 0b11110 ? 4 : 0;
  if (len <= 1 || i + len > bytes.length) return len === 1 ? 1 : 0;
  try {
    fatal.decode(bytes.subarray(i, i + len)); // also refuses overlong forms and surrogates
    return len;
  } catch {
    return 0;
  }
}

// Bytes → text. `exact` is true when the text is the bytes' plain UTF-8 reading.
export function nameToText(bytes: Buffer): { text: string; exact: boolean } {
  const plain = bytes.toString('utf8');
  if (!plain.includes('\uFFFD') && !plain.includes(QUOTE)) return { text: plain, exact: true };
  let text = '';
  for (let i = 0; i < bytes.length;) {
    const len = validSequenceAt(bytes, i);
    if (len === 0) {
      text += `${QUOTE}${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
      continue;
    }
    const ch = bytes.subarray(i, i + len).toString('utf8');
    text += ch === QUOTE ? QUOTE + QUOTE : ch;
    i += len;
  }
  return { text, exact: text === plain };
}

// Text → bytes: the inverse of nameToText.
export function textToName(text: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== QUOTE) {
      run += text[i];
      continue;
    }
    parts.push(Buffer.from(run));
    run = '';
    if (text[i + 1] === QUOTE) {
      parts.push(QUOTE_BYTES);
      i++;
    } else {
      parts.push(Buffer.from([parseInt(text.slice(i + 1, i + 3), 16)]));
      i += 2;
    }
  }
  parts.push(Buffer.from(run));
  return Buffer.concat(parts);
}
