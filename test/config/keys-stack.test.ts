// The stack's keys: a processing command is needed once there is a container to run it in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ParseContext } from '../../lib/config/key-spec.ts';
import { STACK_KEYS } from '../../lib/config/keys-stack.ts';

const ctx = (raw: Record<string, string> = {}): ParseContext => ({
  root: '/srv/project',
  raw: (k) => raw[k] ?? '',
  problem: () => undefined,
});

test('PROCESS_COMMAND splits into an argument vector and is required with DJANGO_CONTAINER', () => {
  assert.equal(STACK_KEYS.PROCESS_COMMAND.parse('python manage.py process_scrap', ctx()), [
    'python',
    'manage.py',
    'process_scrap',
  ]);
  assert.equal(STACK_KEYS.PROCESS_COMMAND.parse('["a b", "c"]', ctx()), ['a b', 'c']);
  assert.equal(STACK_KEYS.PROCESS_COMMAND.parse('', ctx()), []);
  assert.throws(() => STACK_KEYS.PROCESS_COMMAND.parse('', ctx({ DJANGO_CONTAINER: 'django' })), /a command/);
  assert.equal(STACK_KEYS.SYNC_CONTAINERS.parse('telegram-downloader, minio', ctx()), ['telegram-downloader', 'minio']);
});

test.run();
