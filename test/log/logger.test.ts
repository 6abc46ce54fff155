import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, dateStamp, maskSecrets, redactError } from '../../lib/log/logger.ts';
import { tempDir } from '../support/env.ts';

test('records go to the dated human log, the JSON log and the console; secrets are masked everywhere', () => {
  const dir = tempDir('log');
  const out = new PassThrough();
  let printed = '';
  out.on('data', (d) => (printed += d));
  const when = new Date(2026, 10, 23, 3, 0, 0);
  const log = createLogger({ dir, now: () => when, console: out, secrets: ['topsecret'] });
  log.write({
    kind: 'upload.failed',
    path: '/dl/a b.txt',
    key: 'a_b.txt',
    error: 'PUT http://user:topsecret@host failed',
  });
  log.write({ kind: 'scan.hidden', path: '/dl/.x' });
  log.close();
  assert.equal(log.files, {
    human: `${dir}/telegram_sync_${dateStamp(when)}.log`,
    json: `${dir}/telegram_sync_20261123.jsonl`,
  });
  const human = fs.readFileSync(log.files.human!, 'utf8');
  assert.match(
    human,
    /ERROR upload\.failed: failed, will be retried next run: PUT http:\/\/user:\*\*\*@host failed {2}path="\/dl\/a b\.txt" key=a_b\.txt/,
  );
  assert.match(human, /DEBUG scan\.hidden: skipped \/dl\/\.x/);
  const json = fs
    .readFileSync(log.files.json!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
  assert.is(json[0]?.kind, 'upload.failed');
  assert.is(json[0]?.key, 'a_b.txt');
  assert.is(json[0]?.level, 'error');
  assert.not.ok(
    human.includes('topsecret') || printed.includes('topsecret') || JSON.stringify(json).includes('topsecret'),
  );
  assert.not.ok(printed.includes('scan.hidden'), 'debug lines stay out of the console');
});

test('a child logger stamps every record with the run id (in the JSON lines, not the human line)', () => {
  const dir = tempDir('log');
  const root = createLogger({ dir, console: null });
  const run = root.child({ runId: '20261123T030000-abcdef' });
  run.write({ kind: 'bucket.created', bucket: 'b' });
  root.write({ kind: 'scan.done', complete: 1, skipped: 0 });
  root.close();
  const json = fs
    .readFileSync(root.files.json!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
  assert.is(json[0]?.runId, '20261123T030000-abcdef');
  assert.is(json[1]?.runId, undefined);
  assert.not.match(fs.readFileSync(root.files.human!, 'utf8'), /runId/);
});

test('maskSecrets and redactError (message and causes)', () => {
  assert.is(maskSecrets('a s3cr3t b s3cr3t', ['s3cr3t', '']), 'a *** b ***');
  const e = redactError(new Error('outer s3cr3t', { cause: new Error('inner s3cr3t') }), ['s3cr3t']);
  assert.is(e.message, 'outer ***');
  assert.is((e.cause as Error).message, 'inner ***');
});

test('a logger that runs past midnight writes the next day into the next dated files', () => {
  const dir = tempDir('log');
  let when = new Date(2026, 10, 24, 23, 59, 59);
  const log = createLogger({ dir, now: () => when, console: null });
  log.write({ kind: 'bucket.created', bucket: 'before' });
  when = new Date(2026, 10, 25, 0, 0, 1);
  log.write({ kind: 'bucket.created', bucket: 'after' });
  log.close();
  assert.equal(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort(),
    ['telegram_sync_20261124.log', 'telegram_sync_20261125.log'],
  );
  assert.match(
    fs.readFileSync(path.join(dir, 'telegram_sync_20261125.log'), 'utf8'),
    /bucket after did not exist: created it/,
  );
  assert.not.match(fs.readFileSync(path.join(dir, 'telegram_sync_20261125.log'), 'utf8'), /before/);
});

test.run();
