// lib/commands/demo.ts as the README runs it: `npm run demo` from the project folder.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../../lib/config/load.ts';

const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && k !== 'NODE_OPTIONS'),
);

test('npm run demo: embedded S3 server, sample downloads, two real syncs (the second uploads nothing), bucket listed', async () => {
  const r = await execa('npm', ['run', 'demo'], {
    cwd: PROJECT_ROOT,
    env: clean,
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 180_000,
  });
  assert.is(r.exitCode, 0, r.all);
  const runs = r.stdout.split('=== npx zx scripts/sync.ts');
  assert.is(runs.length, 3, 'two sync runs');
  assert.match(runs[1]!, /uploaded 5 .*deduplicated 1/);
  assert.match(runs[1]!, /skipped: partial 2, hidden 1/);
  assert.match(runs[2]!, /uploaded 0 /);
  assert.match(runs[2]!, /unchanged 6/);
  const listing = r.stdout
    .split('=== bucket "telegram" now holds:')[1]!
    .split('\n')
    .filter((l) => l.startsWith('  downloads/'));
  assert.is(listing.length, 5);
  assert.ok(
    listing.some(
      (l) => l.includes('фото_с_праздника.jpg') && l.includes('from tdl/-1001234567_102_фото с праздника.jpg'),
    ),
  );
  assert.not.ok(r.stdout.includes('.tmp  ') || r.stdout.includes('.tdd  '));
  assert.ok(fs.existsSync(path.join(PROJECT_ROOT, '.demo/state/file_hashes.json')));
});

test.run();
