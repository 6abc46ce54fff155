// SYNC_DOWNLOAD_DIRS: the download directories and the key segment each one gets.
import fs from 'node:fs';
import path from 'node:path';
import { Expected, parseList } from './values.ts';

export interface SourceDir {
  readonly name: string;
  readonly path: string;
  // Leading key segment for this directory's objects ('' when a single unnamed directory is configured).
  readonly keySegment: string;
}

const got = (v: string) => JSON.stringify(v);

// Parse the list; every problem (missing, badly named, duplicate, nested) goes to `problem`.
// The key segment is explicit: `name=/path` puts the directory's files under `name/`; a bare
// path puts them at the top (as with a single directory), so adding a directory never changes
// the keys of the others. Files of bare directories that map to one key are conflicts.
export function parseSources(raw: string, root: string, problem: (text: string) => void): SourceDir[] {
  const entries = parseList(raw);
  if (!entries.length) throw new Expected('one or more directories');
  const sources = entries.map((entry) => {
    const m = /^([^/=]+)=(.+)$/.exec(entry);
    const dir = path.resolve(root, m ? m[2]! : entry);
    const name = m ? m[1]!.trim() : path.basename(dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      problem(`expected an existing directory, got ${got(dir)}`);
    if (m && (!/^[\w .@-]+$/.test(name) || name === '.' || name === '..')) {
      problem(`expected a name of letters, digits, space, . _ @ - for ${got(dir)}, got ${got(name)}`);
    }
    return { name, path: dir, keySegment: m ? `${name.replace(/ /g, '_')}/` : '' };
  });
  checkDistinct(sources, problem);
  return sources;
}

function checkDistinct(sources: readonly SourceDir[], problem: (text: string) => void): void {
  const seenSegments = new Map<string, string>();
  for (const s of sources) {
    if (!s.keySegment) continue;
    const other = seenSegments.get(s.keySegment);
    if (other !== undefined)
      problem(`expected distinct names, got ${got(s.name)} for both ${got(other)} and ${got(s.path)}`);
    seenSegments.set(s.keySegment, s.path);
  }
  for (const a of sources) {
    for (const b of sources) {
      if (a !== b && (b.path + path.sep).startsWith(a.path + path.sep)) {
        problem(`expected directories that do not contain each other, got ${got(b.path)} inside ${got(a.path)}`);
      }
    }
  }
}
