import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../lib/config/load.ts';
import { ConfigError } from '../../lib/errors.ts';
import { minimalConfigEnv, tempDir } from '../support/env.ts';

const dir = tempDir('cfg-warn');
const base = minimalConfigEnv(dir);

function envFile(name: string, text: string, mode: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  return file;
}

test('a mistyped key in .env or the environment is a warning naming the key it is near; the run goes on', () => {
  const file = envFile('typo.env', 'SYNC_CONCURENCY=8\nPOSTGRES_PASSWORD=x\nMINIO_ROOT_USER=admin\n', 0o600);
  const c = loadConfig({ env: { ...base, SYNC_RETIRES: '3', MINIO_ROOT_PASSWORD: 'p' }, envFile: file, root: dir });
  assert.is(c.concurrency, 4, 'the mistyped key changed nothing');
  assert.equal(c.warnings, [
    `${file}: SYNC_CONCURENCY is not a key and is ignored (did you mean SYNC_CONCURRENCY?)`,
    'environment: SYNC_RETIRES is not a key and is ignored (did you mean SYNC_RETRIES?)',
  ]);
});

test('a required key left unset because it was mistyped: the error names both', () => {
  const { MINIO_BUCKET: _, ...rest } = base;
  const file = envFile('bucket.env', 'MINIO_BUCKT=telegram\n', 0o600);
  try {
    loadConfig({ env: rest, envFile: file, root: dir });
    assert.unreachable('loaded');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.equal((e as ConfigError).problems, [
      'MINIO_BUCKET: expected a bucket name, got nothing',
      `${file}: MINIO_BUCKT is not a key and is ignored (did you mean MINIO_BUCKET?)`,
    ]);
  }
});

// And: 0600, and a file without secrets, are not.
test('a file of secrets others can read is a warning with the chmod to run', () => {
  const { MINIO_SECRET_KEY: secret, ...rest } = base;
  const open = envFile('open.env', `MINIO_SECRET_KEY=${secret}\n`, 0o644);
  const warnings = loadConfig({ env: rest, envFile: open, root: dir }).warnings ?? [];
  assert.equal(warnings, [
    `${open} holds MINIO_SECRET_KEY and everyone on this machine can read it (mode 0644): run chmod 600 ${open}`,
  ]);
  assert.not.match(warnings.join(''), secret, 'the secret itself is never shown');
  const group = envFile('group.env', `MINIO_SECRET_KEY=${secret}\n`, 0o640);
  assert.match((loadConfig({ env: rest, envFile: group, root: dir }).warnings ?? []).join(''), /its group can read/);
  const closed = envFile('closed.env', `MINIO_SECRET_KEY=${secret}\n`, 0o600);
  assert.equal(loadConfig({ env: rest, envFile: closed, root: dir }).warnings, []);
  const plain = envFile('plain.env', 'SYNC_RETRIES=2\n', 0o644);
  assert.equal(loadConfig({ env: base, envFile: plain, root: dir }).warnings, []);
});

test.run();
