import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, dateStamp, maskSecrets, redactError } from '../lib/log.ts';
import { tempDir } from './support/env.ts';

test('records go to the dated human log, the JSON log and the console; secrets are masked everywhere', () => {
  const dir = tempDir('log');
  const out = new PassThrough();
  let printed = '';
  out.on('data', (d) => (printed += d));
  const when = new Date(2026, 10, 23, 3, 0, 0);
  const log = createLogger({ dir, now: () => when, console: out, secrets: ['topsecret'] });
  log.info('upload.done', 'uploaded a b.txt', { key: 'a_b.txt', url: 'http://user:topsecret@host' });
  log.debug('scan.hidden', 'file only');
  log.close();
  assert.equal(log.files, { human: `${dir}/telegram_sync_${dateStamp(when)}.log`, json: `${dir}/telegram_sync_20261123.jsonl` });
  const human = fs.readFileSync(log.files.human!, 'utf8');
  assert.match(human, /INFO  upload\.done: uploaded a b\.txt  key=a_b\.txt url=http:\/\/user:\*\*\*@host/);
  assert.match(human, /DEBUG scan\.hidden/);
  const json = fs.readFileSync(log.files.json!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  assert.is(json[0]?.kind, 'upload.done');
  assert.is(json[0]?.key, 'a_b.txt');
  assert.not.ok(human.includes('topsecret') || printed.includes('topsecret') || JSON.stringify(json).includes('topsecret'));
  assert.not.ok(printed.includes('scan.hidden'), 'debug lines stay out of the console');
});

test('maskSecrets and redactError (message and causes)', () => {
  assert.is(maskSecrets('a s3cr3t b s3cr3t', ['s3cr3t', '']), 'a *** b ***');
  const e = redactError(new Error('outer s3cr3t', { cause: new Error('inner s3cr3t') }), ['s3cr3t']);
  assert.is(e.message, 'outer ***');
  assert.is((e.cause as Error).message, 'inner ***');
});

test.run();
