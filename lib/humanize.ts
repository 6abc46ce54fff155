// Human figures shared by the summary, the progress line and the demo.

// 1536 -> "1.5 KiB"
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

// 5400000 -> "1.5 h"
export function formatHours(ms: number): string {
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}

// The first `max` items joined, then "… (+N more)".
export function listSome(items: readonly string[], max = 10): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ` … (+${items.length - max} more)` : '');
}

// A sentence from its parts: a part that is false, undefined or '' is left out, so a message
// with optional clauses reads as a list of them instead of one long template.
export function phrase(...parts: ReadonlyArray<string | false | undefined>): string {
  return parts.filter((p): p is string => typeof p === 'string').join('');
}
