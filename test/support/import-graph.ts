// The import graph of lib/ and scripts/, read from the sources (every `import`/`export … from`,
// type-only ones included: types flow down too). What the layout test checks and what
// `node --import tsx test/support/import-graph.ts` prints: import circles between modules, and
// arrows back up (imports between folders that close a circle of folders).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportGraph {
  // Module (project-relative path) → the modules it imports.
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

export function sourceFiles(root: string, dir: string, ext = /\.(ts|mjs)$/): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(root, rel, ext);
    return ext.test(e.name) ? [rel] : [];
  });
}

// The relative specifiers a module imports or re-exports (static and dynamic).
export function importsOf(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith('.'));
}

export function buildImportGraph(root: string, dirs: readonly string[] = ['lib', 'scripts']): ImportGraph {
  const edges = new Map<string, string[]>();
  for (const file of dirs.flatMap((d) => sourceFiles(root, d))) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const targets = importsOf(text)
      .map((s) => path.normalize(path.join(path.dirname(file), s)))
      .filter((t) => dirs.some((d) => t.startsWith(`${d}/`)));
    edges.set(file, [...new Set(targets)]);
  }
  return { edges };
}

// Strongly connected components of more than one node (Tarjan), each sorted.
export function circles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) out.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

// The folder a module belongs to; a module at the top of lib/ is a node of its own (they are
// the shared pieces every folder may use: errors, clock, the gate).
export function folderOf(module: string): string {
  const dir = path.dirname(module);
  return dir === 'lib' ? module : dir;
}

export function folderEdges(graph: ImportGraph): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of graph.edges) {
    const f = folderOf(from);
    const set = out.get(f) ?? new Set<string>();
    for (const to of tos) if (folderOf(to) !== f) set.add(folderOf(to));
    out.set(f, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

// Imports from one folder to another that close a circle of folders: each is an arrow back up.
export function arrowsBackUp(graph: ImportGraph): string[] {
  const folderCircles = circles(folderEdges(graph));
  const inCircle = new Map<string, number>();
  folderCircles.forEach((c, i) => c.forEach((f) => inCircle.set(f, i)));
  const arrows: string[] = [];
  for (const [from, tos] of graph.edges) {
    for (const to of tos) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a !== b && inCircle.has(a) && inCircle.get(a) === inCircle.get(b)) arrows.push(`${from} → ${to}`);
    }
  }
  return arrows.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2]
    ? path.resolve(process.argv[2])
    : path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const graph = buildImportGraph(root);
  const moduleCircles = circles(graph.edges);
  const arrows = arrowsBackUp(graph);
  process.stdout.write(`${graph.edges.size} modules, ${moduleCircles.length} import circle(s) between modules\n`);
  for (const c of moduleCircles) process.stdout.write(`  circle of ${c.length}: ${c.join(', ')}\n`);
  process.stdout.write(`${arrows.length} arrow(s) back up between folders (imports that close a circle of folders)\n`);
  for (const a of arrows) process.stdout.write(`  ${a}\n`);
}
