import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, secretsOf } from '../../lib/config/load.ts';
import { ConfigError } from '../../lib/errors.ts';
import { minimalConfigEnv, tempDir } from '../support/env.ts';

const dir = tempDir('cfg');
const base = minimalConfigEnv(dir);
const noEnvFile = path.join(dir, 'absent.env');

test('defaults and parsing of a minimal config', () => {
  const c = loadConfig({ env: base, envFile: noEnvFile, root: dir });
  assert.is(c.storage.endPoint, '127.0.0.1');
  assert.is(c.storage.port, 9000);
  assert.is(c.storage.useSSL, false);
  assert.is(c.storage.prefix, '');
  assert.is(c.sources[0]?.keySegment, '');
  assert.is(c.concurrency, 4);
  assert.is(c.stableAfterMs, 60_000);
  assert.is(c.storage.partSizeBytes, 16 * 1024 * 1024);
  assert.equal(c.partialSuffixes, ['.tmp', '.tdd', '.temp', '.part', '.partial', '.crdownload', '.download']);
  assert.is(c.cacheFile, path.join(dir, 'state/file_hashes.json'));
  assert.equal(c.docker.processCommand, ['python', 'manage.py', 'process_scrap']);
  assert.is(c.cronSchedule, '0 3 * * *');
  assert.ok(Object.isFrozen(c));
});

test('precedence: flags over environment over .env over defaults', () => {
  const envFile = path.join(dir, 'test.env');
  fs.writeFileSync(envFile, 'SYNC_CONCURRENCY=7\nMINIO_PREFIX=from-file\nSYNC_RETRIES=9\n');
  const c = loadConfig({ env: { ...base, MINIO_PREFIX: 'from-env' }, envFile, root: dir });
  assert.is(c.concurrency, 7);
  assert.is(c.storage.prefix, 'from-env/');
  assert.is(c.retries, 9);
  const f = loadConfig({
    env: base,
    envFile,
    root: dir,
    overrides: { SYNC_CONCURRENCY: { flag: '--concurrency', value: '2' } },
  });
  assert.is(f.concurrency, 2);
});

test('every bad value is reported together as "expected X, got Y", secrets never echoed', () => {
  try {
    loadConfig({
      env: {
        MINIO_ENDPOINT: 'ftp://x',
        MINIO_SECRET_KEY: 'shh-secret',
        MINIO_BUCKET: 'UPPER',
        SYNC_DOWNLOAD_DIRS: `${dir},${dir}/missing`,
        SYNC_PART_SIZE_MB: '1',
        SYNC_EXCLUDE: '[1,2]',
      },
      envFile: noEnvFile,
      root: dir,
    });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ConfigError);
    const problems = (e as ConfigError).problems;
    const keys = [...new Set(problems.map((p) => p.split(':')[0]))];
    assert.equal(
      keys.sort(),
      [
        'MINIO_ACCESS_KEY',
        'MINIO_BUCKET',
        'MINIO_ENDPOINT',
        'SYNC_DOWNLOAD_DIRS',
        'SYNC_EXCLUDE',
        'SYNC_PART_SIZE_MB',
      ].sort(),
    );
    assert.ok(problems.some((p) => p.includes('expected a whole number from 5 to 5120, got "1"')));
    assert.not.ok((e as Error).message.includes('shh-secret'));
  }
});

test('several download dirs: bare ones at the top, name= ones under their name; duplicate names and nesting are refused', () => {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(a, { recursive: true });
  fs.mkdirSync(path.join(b, 'a'), { recursive: true });
  const c = loadConfig({ env: { ...base, SYNC_DOWNLOAD_DIRS: `${a},tdd=${b}` }, envFile: noEnvFile, root: dir });
  assert.equal(
    c.sources.map((s) => s.keySegment),
    ['', 'tdd/'],
  );
  assert.throws(
    () =>
      loadConfig({
        env: { ...base, SYNC_DOWNLOAD_DIRS: `a=${a},a=${path.join(b, 'a')}` },
        envFile: noEnvFile,
        root: dir,
      }),
    /expected distinct names/,
  );
  assert.throws(
    () =>
      loadConfig({ env: { ...base, SYNC_DOWNLOAD_DIRS: `${b},${path.join(b, 'a')}` }, envFile: noEnvFile, root: dir }),
    /do not contain each other/,
  );
});

test('a missing explicit env file is a problem; secretsOf lists both keys', () => {
  assert.throws(
    () => loadConfig({ env: base, envFile: noEnvFile, envFileRequired: true, root: dir }),
    /--config: expected a readable file/,
  );
  assert.equal(secretsOf(loadConfig({ env: base, envFile: noEnvFile, root: dir })), ['very-secret']);
});

test('checkers are at least the upload concurrency; memory must hold two parts', () => {
  const c = loadConfig({ env: { ...base, SYNC_CONCURRENCY: '12', SYNC_CHECKERS: '3' }, envFile: noEnvFile, root: dir });
  assert.is(c.checkers, 12);
  assert.is(c.memoryBytes, 32 * 1024 * 1024);
  const d = loadConfig({ env: base, envFile: noEnvFile, root: dir });
  assert.is(d.checkers, 8);
  assert.throws(
    () =>
      loadConfig({
        env: { ...base, SYNC_PART_SIZE_MB: '32', SYNC_MEMORY_MB: '48', SYNC_CHECKERS: '0' },
        envFile: noEnvFile,
        root: dir,
      }),
    (e: unknown) => {
      const p = (e as ConfigError).problems;
      return (
        p.some((x) => x.startsWith('SYNC_MEMORY_MB') && x.includes('at least twice SYNC_PART_SIZE_MB (64)')) &&
        p.some((x) => x.startsWith('SYNC_CHECKERS'))
      );
    },
  );
});

test.run();
