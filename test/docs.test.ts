// The documentation stays true: every configuration key and exit code is documented.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFIG_KEYS } from '../lib/config-keys.ts';
import { PROJECT_ROOT } from '../lib/config.ts';
import { EXIT_CODES } from '../lib/errors.ts';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');

test('every config key is in .env.example and in the README table', () => {
  for (const key of Object.keys(CONFIG_KEYS)) {
    assert.match(example, new RegExp(`^${key}=`, 'm'), `.env.example lacks ${key}`);
    assert.match(readme, new RegExp(`^\\| \`${key}\` \\|`, 'm'), `README table lacks ${key}`);
  }
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
