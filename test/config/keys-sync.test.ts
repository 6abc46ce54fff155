// The sync's keys: every default parses, and the rules that involve two keys hold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ParseContext } from '../../lib/config/key-spec.ts';
import { SYNC_KEYS } from '../../lib/config/keys-sync.ts';

const ctx = (raw: Record<string, string> = {}): ParseContext => ({
  root: '/srv/project',
  raw: (k) => raw[k] ?? '',
  problem: () => undefined,
});

test('the defaults of the optional keys parse', () => {
  for (const [name, spec] of Object.entries(SYNC_KEYS)) {
    if (!spec.default) continue;
    assert.not.throws(() => spec.parse(spec.default, ctx({ SYNC_PART_SIZE_MB: '16' })), name);
  }
});

test('SYNC_MEMORY_MB is at least twice the part size; the part size is at least 5 MiB', () => {
  assert.is(SYNC_KEYS.SYNC_MEMORY_MB.parse('32', ctx({ SYNC_PART_SIZE_MB: '16' })), 32 * 1024 * 1024);
  assert.throws(() => SYNC_KEYS.SYNC_MEMORY_MB.parse('20', ctx({ SYNC_PART_SIZE_MB: '16' })), /at least twice/);
  assert.throws(() => SYNC_KEYS.SYNC_PART_SIZE_MB.parse('4', ctx()));
  assert.is(SYNC_KEYS.SYNC_WATCH_RESCAN_MINUTES.parse('0.5', ctx()), 30_000);
});

test.run();
