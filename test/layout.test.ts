// The shape stays readable: every module in lib/ has its test file at the mirrored path, no
// function is longer than a screen and no module longer than one sitting (STYLE.md).
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { PROJECT_ROOT } from '../lib/config/load.ts';

const MAX_FUNCTION_LINES = 60;
const MAX_MODULE_LINES = 250;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

function functionSizes(file: string): Array<{ where: string; lines: number }> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Array<{ where: string; lines: number }> = [];
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

const sources = [...tsFiles('lib'), ...tsFiles('scripts')];

test('every lib module has a test file at the mirrored path (lib/a/b.ts ↔ test/a/b.test.ts)', () => {
  const missing = tsFiles('lib')
    .map((f) => f.replace(/^lib\//, 'test/').replace(/\.ts$/, '.test.ts'))
    .filter((t) => !fs.existsSync(path.join(PROJECT_ROOT, t)));
  assert.equal(missing, []);
});

test(`no function over ${MAX_FUNCTION_LINES} lines in lib/ and scripts/`, () => {
  const long = sources
    .flatMap(functionSizes)
    .filter((f) => f.lines > MAX_FUNCTION_LINES)
    .map((f) => `${f.where} (${f.lines} lines)`);
  assert.equal(long, []);
});

test(`no module over ${MAX_MODULE_LINES} lines in lib/ and scripts/`, () => {
  const long = sources
    .map((f) => ({ f, lines: fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8').split('\n').length }))
    .filter((m) => m.lines > MAX_MODULE_LINES);
  assert.equal(
    long.map((m) => `${m.f} (${m.lines} lines)`),
    [],
  );
});

test.run();
