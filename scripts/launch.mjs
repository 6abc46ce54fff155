#!/usr/bin/env node
// Runs one of the project's scripts from a JavaScript bundle made with esbuild (dist/<stamp>/),
// made again whenever a source file changed: it starts in about a third of the time the tsx
// loader takes. The installed cron line runs the sync this way; `npx zx scripts/<name>.ts`
// keeps working as written. Plain JavaScript on purpose: nothing to load before the bundle.
// Usage: node scripts/launch.mjs <sync|test-sync|install-cron> [arguments...]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPTS = ['sync', 'test-sync', 'install-cron'];

// Changes when any source file does (names, sizes, mtimes of lib/, scripts/, the lock file).
function stampOfSources() {
  const h = crypto.createHash('sha1');
  const walk = (dir) => {
    for (const e of fs
      .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|mjs)$/.test(e.name) || e.name === 'package-lock.json') {
        const st = fs.statSync(path.join(ROOT, rel));
        h.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk('lib');
  walk('scripts');
  const lock = fs.statSync(path.join(ROOT, 'package-lock.json'));
  h.update(`lock\0${lock.size}\0${lock.mtimeMs}`);
  return h.digest('hex').slice(0, 16);
}

// Build every script into dist/<stamp>/ (shared chunks; minio and execa load when first used).
async function build(stamp) {
  const dist = path.join(ROOT, 'dist');
  const tmp = path.join(dist, `${stamp}.tmp-${process.pid}`);
  const entries = path.join(tmp, 'entries');
  fs.mkdirSync(entries, { recursive: true });
  for (const name of SCRIPTS) {
    fs.writeFileSync(
      path.join(entries, `${name}.ts`),
      `export { main } from '../../../scripts/${name}.ts';\nexport { runMainWith } from '../../../lib/cli.ts';\n`,
    );
  }
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: SCRIPTS.map((n) => path.join(entries, `${n}.ts`)),
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    chunkNames: 'chunks/[name]-[hash]',
    banner: {
      // A `require` for the CommonJS packages inside the ES module bundle.
      js:
        "import { createRequire as __tgsyncRequire } from 'node:module'; " +
        'const require = __tgsyncRequire(import.meta.url);',
    },
  });
  fs.rmSync(entries, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, path.join(dist, stamp));
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another run built the same sources meanwhile
  }
  for (const old of fs.readdirSync(dist))
    if (old !== stamp && old !== 'PINNED' && !old.includes('.tmp-'))
      fs.rmSync(path.join(dist, old), { recursive: true, force: true });
}

// A bundle built ahead and pinned (the Docker image ships dist/ without the sources): its stamp.
function pinnedStamp() {
  const pinned = path.join(ROOT, 'dist', 'PINNED');
  return !fs.existsSync(path.join(ROOT, 'lib')) && fs.existsSync(pinned)
    ? fs.readFileSync(pinned, 'utf8').trim()
    : undefined;
}

// The script's module: from the bundle, or (when it cannot be built here) through tsx.
async function load(name) {
  try {
    const stamp = pinnedStamp() ?? stampOfSources();
    const bundle = path.join(ROOT, 'dist', stamp, `${name}.js`);
    if (!fs.existsSync(bundle)) await build(stamp);
    return await import(pathToFileURL(bundle).href);
  } catch (e) {
    process.stderr.write(`note: running scripts/${name}.ts through tsx (no bundle: ${e.message})\n`);
    const { register } = await import('tsx/esm/api');
    register();
    const [mod, cli] = await Promise.all([
      import(pathToFileURL(path.join(ROOT, 'scripts', `${name}.ts`)).href),
      import(pathToFileURL(path.join(ROOT, 'lib/cli.ts')).href),
    ]);
    return { main: mod.main, runMainWith: cli.runMainWith };
  }
}

const [name, ...args] = process.argv.slice(2);
const USAGE = `usage: node scripts/launch.mjs <${SCRIPTS.join('|')}> [arguments...]   (<name> --help: its options)\n`;
if (name === '--help' || name === '-h') {
  process.stdout.write(USAGE);
} else if (name === '--build') {
  // Build the bundle now and pin it (the Dockerfile's build stage).
  const stamp = stampOfSources();
  if (!fs.existsSync(path.join(ROOT, 'dist', stamp))) await build(stamp);
  fs.writeFileSync(path.join(ROOT, 'dist', 'PINNED'), `${stamp}\n`);
  process.stdout.write(`built dist/${stamp}\n`);
} else if (!SCRIPTS.includes(name)) {
  process.stderr.write(USAGE);
  process.exitCode = 2;
} else {
  const { main, runMainWith } = await load(name);
  await runMainWith(args, main);
}
