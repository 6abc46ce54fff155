// The shape stays readable (STYLE.md): every module in lib/ has its test at the mirrored path,
// imports go one way (no circles between modules, none between folders), no two modules share a
// name, the README's Layout table lists every module, no folder is a crowd, and no function, module
// or line is longer than the rules allow once the formatter has laid it out.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { PROJECT_ROOT } from '../lib/config/load.ts';
import { arrowsBackUp, buildImportGraph, circles, sourceFiles } from './support/import-graph.ts';
import { functionSizes, longLines, moduleSizes, modulesPerFolder } from './support/layout-figures.ts';

const MAX_FUNCTION_LINES = 60;
const MAX_MODULE_LINES = 250;
const MAX_MODULES_PER_FOLDER = 12;

const lib = sourceFiles(PROJECT_ROOT, 'lib', /\.ts$/);
const scripts = sourceFiles(PROJECT_ROOT, 'scripts');
const sources = [...lib, ...scripts.filter((f) => f.endsWith('.ts'))];
const base = (f: string) => path.basename(f).replace(/\.(ts|mjs)$/, '');

// A module of declarations only: interfaces, type aliases and type-only imports and exports.
function onlyTypes(file: string): boolean {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  return sf.statements.every(
    (s) =>
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(s) && s.isTypeOnly),
  );
}

// And: lib/a/b.ts ↔ test/a/b.test.ts.
test('every lib module has a test file at the mirrored path; a types module holds only types', () => {
  const typesModules = lib.filter((f) => base(f) === 'types');
  assert.equal(
    typesModules.filter((f) => !onlyTypes(f)),
    [],
    'a types module has no code',
  );
  const missing = lib
    .filter((f) => base(f) !== 'types')
    .map((f) => f.replace(/^lib\//, 'test/').replace(/\.ts$/, '.test.ts'))
    .filter((t) => !fs.existsSync(path.join(PROJECT_ROOT, t)));
  assert.equal(missing, []);
});

test('no import circles between modules, and no arrow back up between folders', () => {
  const graph = buildImportGraph(PROJECT_ROOT);
  assert.equal(circles(graph.edges), []);
  assert.equal(arrowsBackUp(graph), []);
});

test("no two lib modules share a name (but each stage's types); each script runs the command of its name", () => {
  const byName = new Map<string, string[]>();
  for (const f of lib.filter((f) => base(f) !== 'types')) byName.set(base(f), [...(byName.get(base(f)) ?? []), f]);
  assert.equal(
    [...byName.values()].filter((fs) => fs.length > 1),
    [],
  );
  const commands = new Set(lib.filter((f) => f.startsWith('lib/commands/')).map(base));
  assert.equal(
    scripts.filter((f) => f.endsWith('.ts') && !commands.has(base(f))),
    [],
  );
});

test('no folder of lib/ holds more than a dozen modules', () => {
  const crowded = [...modulesPerFolder(PROJECT_ROOT)].filter(([, n]) => n > MAX_MODULES_PER_FOLDER);
  assert.equal(crowded, []);
});

test("the README's Layout table lists every module of lib/ and scripts/ in its folder, and nothing else", () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const layout = readme.slice(readme.indexOf('## Layout'), readme.indexOf('\n## ', readme.indexOf('## Layout') + 1));
  const listed = new Map<string, string[]>();
  for (const m of layout.matchAll(/^\| `([^`]+\/)` \| ([^|]+) \|/gm)) {
    listed.set(
      m[1]!.replace(/\/$/, ''),
      [...m[2]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!.replace(/\.ts$/, '')).sort(),
    );
  }
  const actual = new Map<string, string[]>();
  for (const f of [...lib, ...scripts]) {
    const dir = path.dirname(f);
    const name = f.endsWith('.mjs') ? path.basename(f) : base(f);
    actual.set(dir, [...(actual.get(dir) ?? []), name].sort());
  }
  assert.equal(Object.fromEntries([...listed].sort()), Object.fromEntries([...actual].sort()));
});

test(`no function over ${MAX_FUNCTION_LINES} lines, no module over ${MAX_MODULE_LINES} in lib/ and scripts/`, () => {
  const long = sources
    .flatMap((f) => functionSizes(PROJECT_ROOT, f))
    .filter((f) => f.lines > MAX_FUNCTION_LINES)
    .map((f) => `${f.where} (${f.lines} lines)`);
  assert.equal(long, []);
  const big = moduleSizes(PROJECT_ROOT, sources)
    .filter((m) => m.lines > MAX_MODULE_LINES)
    .map((m) => `${m.where} (${m.lines} lines)`);
  assert.equal(big, []);
});

test("no line over 120 characters in lib/ and scripts/ (the formatter's width; long text is split by meaning)", () => {
  const long = longLines(PROJECT_ROOT, [...sources, ...scripts.filter((f) => f.endsWith('.mjs'))]);
  assert.equal(
    long.map((l) => l.where),
    [],
  );
});

test.run();
