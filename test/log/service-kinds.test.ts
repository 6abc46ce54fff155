// Log kinds around the sync: processing output, watch mode's stop, notifications.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatEntry } from '../../lib/log/kinds.ts';

test('processing output on stderr warns; a stopped watch says what it abandoned and what is owed', () => {
  const line = { kind: 'process.output', container: 'django', line: 'x' } as const;
  assert.is(formatEntry({ ...line, stream: 'stderr' }).level, 'warn');
  assert.is(formatEntry({ ...line, stream: 'stdout' }).level, 'info');
  const stopped = formatEntry({ kind: 'watch.stopped', reason: 'SIGTERM', abandoned: true, owed: 3 });
  assert.is(stopped.level, 'warn');
  assert.match(stopped.msg, /abandoned, not recorded: the next start sends them; processing of 3 object\(s\) is owed/);
});

test('an undelivered notification says the exit code is unchanged', () => {
  const f = formatEntry({ kind: 'notify.failed', target: 'Telegram', attempts: 3, error: 'HTTP 502' });
  assert.match(f.msg, /not delivered to Telegram after 3 attempt\(s\): HTTP 502; the run's exit code is unchanged/);
});

test.run();
