// Figures of the code's shape, shared by the layout test and by
// `node --import tsx test/support/layout-figures.ts [ROOT]` (which prints them): modules per
// folder, lines over the formatter's width, the longest modules and functions.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sourceFiles } from './import-graph.ts';

export const MAX_LINE_CHARS = 120;

export interface Sized {
  readonly where: string;
  readonly lines: number;
}

// Every function with a body in `file`, and how many lines it spans.
export function functionSizes(root: string, file: string): Sized[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Sized[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      out.push({ where: `${file}:${start + 1}`, lines: end - start + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

export function moduleSizes(root: string, files: readonly string[]): Sized[] {
  return files.map((f) => ({ where: f, lines: fs.readFileSync(path.join(root, f), 'utf8').split('\n').length }));
}

// Modules directly in each folder of lib/.
export function modulesPerFolder(root: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of sourceFiles(root, 'lib', /\.ts$/))
    counts.set(path.dirname(f), (counts.get(path.dirname(f)) ?? 0) + 1);
  return counts;
}

export function longLines(root: string, files: readonly string[], width = MAX_LINE_CHARS): Sized[] {
  return files.flatMap((f) =>
    fs
      .readFileSync(path.join(root, f), 'utf8')
      .split('\n')
      .map((line, i) => ({ where: `${f}:${i + 1}`, lines: line.length }))
      .filter((l) => l.lines > width),
  );
}

const largest = (xs: readonly Sized[], n: number) => [...xs].sort((a, b) => b.lines - a.lines).slice(0, n);

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2]
    ? path.resolve(process.argv[2])
    : path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const code = [...sourceFiles(root, 'lib', /\.ts$/), ...sourceFiles(root, 'scripts', /\.ts$/)];
  const folders = [...modulesPerFolder(root)].sort((a, b) => b[1] - a[1]);
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(`modules per folder of lib/ (largest first): ${folders.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  const long = longLines(root, code);
  say(
    `lines over ${MAX_LINE_CHARS} characters in lib/ and scripts/: ${long.length} (longest ${largest(long, 1)[0]?.lines ?? 0})`,
  );
  const libLines = code
    .filter((f) => f.startsWith('lib/'))
    .flatMap((f) => fs.readFileSync(path.join(root, f), 'utf8').split('\n'));
  const chars = libLines.reduce((n, l) => n + l.length, 0);
  say(`lib/: ${libLines.length} lines, ${(chars / libLines.length).toFixed(1)} characters a line on average`);
  const modules = largest(moduleSizes(root, code), 5);
  say(`largest modules: ${modules.map((m) => `${m.where} ${m.lines}`).join(', ')}`);
  const fns = largest(
    code.flatMap((f) => functionSizes(root, f)),
    5,
  );
  say(`largest functions: ${fns.map((m) => `${m.where} ${m.lines}`).join(', ')}`);
}
