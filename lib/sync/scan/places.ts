// Places in the download tree: how to open an entry (a string, or exact bytes when its name is
// not valid UTF-8), how to name it as text, and its path below the source directory.
import fs from 'node:fs';
import path from 'node:path';
import { nameToText, QUOTE } from './names.ts';

// A place in the tree: how to open it, how to name it, and its path below the source.
export interface Place {
  readonly fs: string | Buffer;
  readonly text: string;
  readonly rel: string;
  // Bytes of `rel` when its text form differs from them.
  readonly rawRel: Buffer | undefined;
}

const SLASH = Buffer.from('/');

// A directory's entries with their places. Names are read as text (cheap); a directory that
// holds a name which is not valid UTF-8 (or holds U+201B, which the text form escapes) is read
// again as bytes, so that every name can be opened.
export function listDirectory(dir: Place): Array<{ place: Place; entry: fs.Dirent<string | Buffer> }> {
  if (typeof dir.fs === 'string' && dir.rawRel === undefined) {
    const entries = fs.readdirSync(dir.fs, { withFileTypes: true });
    if (!entries.some((e) => e.name.includes('\uFFFD') || e.name.includes(QUOTE))) {
      const base = dir.text === '/' ? '' : dir.text;
      return entries.map((entry) => {
        const text = `${base}/${entry.name}`; // one string for both: 100,000 of them are kept
        return {
          entry,
          place: { fs: text, text, rel: dir.rel ? `${dir.rel}/${entry.name}` : entry.name, rawRel: undefined },
        };
      });
    }
  }
  return fs
    .readdirSync(dir.fs, { encoding: 'buffer', withFileTypes: true })
    .map((entry) => ({ entry, place: placeOf(dir, entry.name) }));
}

// The entry `name` inside `dir`, named as text and opened by bytes when they differ.
export function placeOf(dir: Place, name: Buffer): Place {
  const { text, exact } = nameToText(name);
  const rel = dir.rel ? `${dir.rel}/${text}` : text;
  const rawDirRel = dir.rawRel ?? (dir.rel ? Buffer.from(dir.rel) : undefined);
  const exactAll = exact && dir.rawRel === undefined && typeof dir.fs === 'string';
  const joined = path.join(dir.text, text);
  return {
    fs: exactAll ? joined : Buffer.concat([Buffer.from(dir.fs), SLASH, name]),
    text: joined,
    rel,
    rawRel: exact && dir.rawRel === undefined ? undefined : rawDirRel ? Buffer.concat([rawDirRel, SLASH, name]) : name,
  };
}
