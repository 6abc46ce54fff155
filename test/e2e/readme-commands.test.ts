// The README's commands, run exactly as written from the project folder (npx zx needs the
// tsx loader that .npmrc's node-options provides on Node 20).
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../../lib/config/load.ts';

const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && k !== 'NODE_OPTIONS'),
);

test('npx zx scripts/sync.ts works as written (TypeScript under zx on Node 20)', async () => {
  const r = await execa('npx', ['zx', 'scripts/sync.ts', '--help'], {
    cwd: PROJECT_ROOT,
    env: clean,
    extendEnv: false,
    reject: false,
    all: true,
  });
  assert.is(r.exitCode, 0, r.all);
  assert.match(r.stdout, /^Usage: npx zx scripts\/sync\.ts/m);
  for (const script of ['install-cron.ts', 'install-service.ts', 'test-sync.ts']) {
    const h = await execa('npx', ['zx', `scripts/${script}`, '--help'], {
      cwd: PROJECT_ROOT,
      env: clean,
      extendEnv: false,
      reject: false,
      all: true,
    });
    assert.is(h.exitCode, 0, h.all);
    assert.match(h.stdout, new RegExp(`Usage: npx zx scripts/${script.replace('.', '\\.')}`));
  }
});

test.run();
