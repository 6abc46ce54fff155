// The documentation stays true: the README's configuration table is the one CONFIG_KEYS renders,
// .env.example sets every key (and no other) with values the key's own parser accepts, and
// every exit code is documented.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dotenv from 'dotenv';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { CONFIG_KEYS, renderConfigTable, type ConfigKey } from '../../lib/config/table.ts';
import { EXIT_CODES } from '../../lib/errors.ts';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');

test('the README configuration table is exactly the one CONFIG_KEYS renders (key, default, meaning)', () => {
  const rendered = renderConfigTable();
  assert.ok(readme.includes(rendered), `README table differs from CONFIG_KEYS; it should read:\n${rendered}`);
});

test('.env.example sets every key and no other, each with a value its parser accepts', () => {
  const values = dotenv.parse(example);
  assert.equal(Object.keys(values).sort(), Object.keys(CONFIG_KEYS).sort());
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (name === 'SYNC_DOWNLOAD_DIRS') continue; // an example path, not a directory on this machine
    const ctx = {
      root: PROJECT_ROOT,
      raw: (k: string) => values[k] ?? '',
      problem: (t: string) => problems.push(`${name}: ${t}`),
    };
    try {
      CONFIG_KEYS[name as ConfigKey].parse(value, ctx);
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  assert.equal(problems, []);
});

test('every exit code is in the README table', () => {
  for (const [name, code] of Object.entries(EXIT_CODES)) {
    assert.match(readme, new RegExp(`^\\| ${code} \\| \`${name}\` \\|`, 'm'), `README lacks exit code ${code} ${name}`);
  }
});

test('the README starts with the two set-up commands', () => {
  const firstBlock = /```(?:bash|sh)?\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  assert.match(firstBlock, /npm ci && npm run demo/);
  assert.match(firstBlock, /bash \.ci\/run/);
});

test.run();
