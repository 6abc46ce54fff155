// The Dockerfile, .dockerignore and compose.example.yaml say what the README says (the image
// itself is built and run in test/e2e/image.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { CONFIG_KEYS } from '../../lib/config/table.ts';
import { PROJECT_ROOT } from '../support/env.ts';

const read = (f: string) => fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8');

// And: the health check, the launcher as entry point.
test('the Dockerfile: two stages from one BASE, a non-root user, the state volume', () => {
  const d = read('Dockerfile');
  assert.match(d, /^ARG BASE=node:20-bookworm-slim$/m);
  assert.is((d.match(/^FROM \$\{BASE\}/gm) ?? []).length, 2, 'multi-stage');
  assert.match(d, /^USER 10001:10001$/m);
  assert.match(d, /^VOLUME \["\/state"\]$/m);
  assert.match(d, /^HEALTHCHECK .*\n\s+CMD \["node", "\/app\/docker\/healthcheck\.mjs"\]$/m);
  assert.match(read('docker/healthcheck.mjs'), /\/healthz/);
  assert.match(d, /^ENTRYPOINT \["node", "\/app\/scripts\/launch\.mjs"\]$/m);
  assert.match(d, /^CMD \["sync", "--watch"\]$/m);
});

test('.dockerignore lets through only what the image is built from: never .env, state, logs or node_modules', () => {
  const rules = read('.dockerignore')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  assert.is(rules[0], '*', 'everything out first');
  const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1));
  for (const secret of ['.env', 'state/', 'logs/', 'node_modules/', 'dist/']) {
    assert.not.ok(
      allowed.some((a) => secret.startsWith(a.replace(/\/$/, ''))),
      `${secret} stays out`,
    );
  }
});

// And: state in a volume, no Docker socket by default.
test('compose.example.yaml: the service beside the stack, downloads read-only', () => {
  const compose = parse(read('compose.example.yaml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  assert.equal(Object.keys(compose.services), ['telegram-downloader', 'minio', 'django', 'telegram-sync']);
  const s = compose.services['telegram-sync']!;
  assert.is(s.env_file, '.env');
  assert.is(s.restart, 'unless-stopped');
  const volumes = s.volumes as string[];
  assert.ok(volumes.includes('downloads:/downloads:ro'));
  assert.ok(volumes.some((v) => v.endsWith(':/state')));
  assert.not.ok(
    volumes.some((v) => v.includes('docker.sock')),
    'the Docker socket is opt-in',
  );
  assert.match(
    read('compose.example.yaml'),
    /# - \/var\/run\/docker\.sock:\/var\/run\/docker\.sock # opt-in: root on the host/,
  );
  const env = s.environment as Record<string, string>;
  for (const key of Object.keys(env)) assert.ok(key in CONFIG_KEYS, `${key} is a configuration key`);
  assert.match(env.SYNC_METRICS_LISTEN!, /^127\.0\.0\.1:/, 'the metrics port on loopback only');
  assert.ok(parseInt(String(s.stop_grace_period)) > Number(CONFIG_KEYS.SYNC_STOP_TIMEOUT_SECONDS.default));
});

test.run();
