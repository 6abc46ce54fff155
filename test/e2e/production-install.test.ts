// What the nightly job needs at run time is a dependency: a copy of the project installed with
// `npm ci --omit=dev` runs the cron line's command (node scripts/launch.mjs sync) for real.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalS3Server } from '../../lib/dev/s3rver.ts';
import {
  createSandbox,
  listBucket,
  PROJECT_ROOT,
  startS3Server,
  tempDir,
  writeFile,
  type Sandbox,
} from '../support/env.ts';

const test = suite('production install (npm ci --omit=dev)');
let server: LocalS3Server;
let sb: Sandbox;
test.before(async () => {
  server = await startS3Server({ directory: tempDir('s3prod') });
  sb = await createSandbox(server);
});
test.after(async () => {
  await sb.close();
  await server.close();
});

test("the cron line's command runs a real sync from a copy installed without dev dependencies", async () => {
  const copy = tempDir('prod');
  for (const f of ['package.json', 'package-lock.json', '.npmrc', 'lib', 'scripts', 'crontab'])
    fs.cpSync(path.join(PROJECT_ROOT, f), path.join(copy, f), { recursive: true });
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && k !== 'NODE_OPTIONS'),
  );
  const ci = await execa('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: copy,
    env: clean,
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 300_000,
  });
  assert.is(ci.exitCode, 0, ci.all);
  assert.not.ok(fs.existsSync(path.join(copy, 'node_modules/typescript')), 'dev dependencies left out');
  const configFile = path.join(sb.dir, 'prod.env');
  fs.writeFileSync(
    configFile,
    Object.entries(sb.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  const printed = await execa(
    process.execPath,
    ['--import', 'tsx', 'scripts/install-cron.ts', '--config', configFile, '--print'],
    { cwd: copy, env: clean, extendEnv: false, reject: false, all: true },
  );
  assert.is(printed.exitCode, 0, printed.all);
  const line = printed.stdout.split('\n').find((l) => l.includes('scripts/launch.mjs sync'))!;
  writeFile(sb.downloads, 'prod/only deps.txt', 'installed with --omit=dev');
  const command = line.trim().split(/\s+/).slice(5).join(' ').replace(/\\%/g, '%');
  const r = await execa('env', ['-i', 'SHELL=/bin/sh', 'PATH=/usr/bin:/bin', `HOME=${copy}`, 'sh', '-c', command], {
    cwd: '/',
    reject: false,
  });
  assert.is(
    r.exitCode,
    0,
    `${r.stdout}${r.stderr}${fs.readFileSync(path.join(sb.env.SYNC_LOG_DIR!, 'cron.log'), 'utf8')}`,
  );
  assert.ok((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).some((o) => o.key === 'prod/only_deps.txt'));
});

test('every package lib/ (but lib/dev) and the job scripts import is a dependency, not a dev dependency', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const files = (dir: string): string[] =>
    fs
      .readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? (e.name === 'dev' ? [] : files(path.join(dir, e.name))) : [path.join(dir, e.name)],
      );
  const runtime = [...files('lib'), 'scripts/sync.ts', 'scripts/test-sync.ts', 'scripts/install-cron.ts'];
  const missing = new Set<string>();
  for (const f of runtime) {
    for (const m of fs
      .readFileSync(path.join(PROJECT_ROOT, f), 'utf8')
      .matchAll(/^import (?!type )[^'"]*['"]([^'".][^'"]*)['"]/gm)) {
      const name = m[1]!.startsWith('@') ? m[1]!.split('/').slice(0, 2).join('/') : m[1]!.split('/')[0]!;
      if (!name.startsWith('node:') && !(name in pkg.dependencies)) missing.add(`${name} (${f})`);
    }
  }
  assert.equal([...missing], []);
  assert.ok('tsx' in pkg.dependencies, 'the cron line and .npmrc load tsx');
});

test.run();
