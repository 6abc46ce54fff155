// Parsing of configuration values that are more than one word: lists, commands, durations.

// Split a list value: a JSON array, or comma-separated items (blank items dropped).
export function parseList(raw: string): string[] {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) throw new Error('expected a JSON array of strings');
    return parsed.map((v) => v.trim()).filter(Boolean);
  }
  return trimmed.split(',').map((v) => v.trim()).filter(Boolean);
}

// Split a command line on whitespace, or take a JSON array as it is (for arguments with spaces).
export function parseCommand(raw: string): string[] {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) return parseList(trimmed);
  return trimmed.split(/\s+/).filter(Boolean);
}

// "24" (in `bareUnit`), "24h", "90m", "2d", "30s" → milliseconds; undefined when unreadable.
export function parseDurationMs(text: string, bareUnit: 'h' | 's' = 'h'): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] || bareUnit;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 's' | 'm' | 'h' | 'd'];
}
