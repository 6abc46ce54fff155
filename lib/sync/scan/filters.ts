// Which names are candidates at all, by name alone: partial downloads (by suffix) and the
// operator's excludes (globs over the path relative to a download directory).
// Compile a glob (* within a segment, ** across segments, ?) to a RegExp over '/'-separated paths.
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

// A pattern without '/' matches a name at any depth (as in .gitignore); with '/', the whole relative path.
export function createExcludeMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  const compiled = patterns.map((p) => ({ re: globToRegExp(p.replace(/^\/+/, '')), anyDepth: !p.includes('/') }));
  return (relPath) => {
    const base = relPath.slice(relPath.lastIndexOf('/') + 1);
    return compiled.some(({ re, anyDepth }) => re.test(relPath) || (anyDepth && re.test(base)));
  };
}

export function isPartialName(name: string, suffixes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return suffixes.some((s) => lower.endsWith(s));
}
