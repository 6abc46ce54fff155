// lib/cli.ts as scripts use it: run as a real subprocess, under plain node and under zx.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../lib/config/load.ts';
import { runCommand, type Command } from '../lib/cli.ts';
import { EXIT_CODES, UsageError } from '../lib/errors.ts';
import { Writable } from 'node:stream';
import { tempDir, TSX_LOADER } from './support/env.ts';

const dir = tempDir('cli');
// npm puts .npmrc's --import=tsx into NODE_OPTIONS, which cannot be resolved from a temp dir.
const noLoaderEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS'));
let n = 0;
// A tiny script in the project's own style (in a temp dir, importing the real lib/cli.ts).
function script(body: string): string {
  const file = path.join(dir, `script-${++n}.mts`);
  const lib = (m: string) => JSON.stringify(path.join(PROJECT_ROOT, 'lib', m));
  fs.writeFileSync(
    file,
    `import { isEntryPoint, runMain } from ${lib('cli.ts')};\nimport { ConfigError } from ${lib('errors.ts')};\n${body}\n`,
  );
  return file;
}

test('runMain: the return value is the exit code; errors end with the code from the table and a plain message', async () => {
  const ok = script(
    `if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, async (argv) => { console.log(JSON.stringify(argv)); return 0; });`,
  );
  const bad = script(
    `if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, async () => { throw new ConfigError(['X: expected a, got b']); });`,
  );
  const bug = script(
    `if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, async () => { throw new Error('oops', { cause: new Error('deeper') }); });`,
  );
  const imported = script(`export const x = 1;\nif (isEntryPoint(import.meta.url)) { console.log('ran as entry'); }`);
  {
    const r = await execa(process.execPath, ['--import', 'tsx', ok, '--a', 'b'], { reject: false });
    assert.is(r.exitCode, 0);
    assert.is(r.stdout, '["--a","b"]', 'only the arguments after the script');
    const z = await execa('npx', ['zx', ok, '--via-zx'], { cwd: PROJECT_ROOT, reject: false });
    assert.is(z.stdout.trim(), '["--via-zx"]', 'the same under npx zx');
    const c = await execa(process.execPath, ['--import', 'tsx', bad], { reject: false });
    assert.is(c.exitCode, EXIT_CODES.config);
    assert.match(c.stderr, /^Invalid configuration \(1 problem\):\n {2}- X: expected a, got b/);
    const b = await execa(process.execPath, ['--import', 'tsx', bug], { reject: false });
    assert.is(b.exitCode, EXIT_CODES.internal);
    assert.match(b.stderr, /^error: oops: caused by: deeper/);
    const i = await execa(
      process.execPath,
      [
        '--import',
        TSX_LOADER,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(imported)}); console.log('imported')`,
      ],
      { reject: false, cwd: dir, env: noLoaderEnv, extendEnv: false },
    );
    assert.is(i.exitCode, 0, i.stderr);
    assert.is(i.stdout, 'imported', 'importing a script does not run it');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('runCommand: --help prints the help and runs nothing; flags reach run parsed; an unknown flag is a usage error', async () => {
  const runs: unknown[] = [];
  const command: Command<{ readonly n: { readonly type: 'string' } }, { readonly out?: NodeJS.WritableStream }> = {
    help: 'Usage: probe [--n N]',
    flags: { n: { type: 'string' } },
    run: async (flags, env) => (runs.push([flags.n, env.X]), 7),
  };
  let printed = '';
  const out = new Writable({ write: (c, _e, cb) => ((printed += String(c)), cb()) });
  assert.is(await runCommand(command, ['--help'], {}, { out }), EXIT_CODES.ok);
  assert.equal([printed, runs], ['Usage: probe [--n N]\n', []]);
  assert.is(await runCommand(command, ['--n', '3'], { X: 'y' }, {}), 7);
  assert.equal(runs, [['3', 'y']]);
  await runCommand(command, ['--nn', '3'], {}, {}).then(
    () => assert.unreachable(),
    (e: unknown) => assert.instance(e, UsageError),
  );
});

test.run();
