// Which names are candidates at all, by name alone: partial downloads (by suffix) and the
// operator's excludes (SYNC_EXCLUDE: globs over the path relative to a download directory).
import picomatch from 'picomatch';

// SYNC_EXCLUDE, matched with picomatch: `*` and `?` within a name, `**` across folders, `[abc]`,
// `{jpg,png}`. As in .gitignore: a pattern without `/` matches a name at any depth, one with a
// `/` (a leading `/` included) the whole relative path; a trailing `/` is dropped (a folder
// that matches is skipped whole, so nothing under it can come back); `!pattern` takes back an
// exclusion an earlier pattern made; the last pattern that matches decides.
export function createExcludeMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  const rules = patterns.map((raw) => {
    const negated = raw.startsWith('!');
    const glob = (negated ? raw.slice(1) : raw).replace(/\/+$/, '');
    const anyDepth = !glob.includes('/');
    // `dir/**` is what is under dir (each entry skipped and counted), as before picomatch, for
    // which it also matches dir itself.
    const under = glob.endsWith('/**') ? `${glob}/*` : glob;
    const isMatch = picomatch(under.replace(/^\/+/, ''), { dot: true, basename: anyDepth });
    return { negated, isMatch };
  });
  return (relPath) => {
    let excluded = false;
    for (const r of rules) if (r.isMatch(relPath)) excluded = !r.negated;
    return excluded;
  };
}

export function isPartialName(name: string, suffixes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return suffixes.some((s) => lower.endsWith(s));
}
