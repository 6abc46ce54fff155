import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stopWhenOrphaned } from '../lib/orphan.ts';
import { waitFor } from './support/env.ts';

// And: outside npm nothing is watched.
test('under npm, a parent that is gone stops the process as SIGTERM would, once', async () => {
  let parent = 4242;
  const said: string[] = [];
  let kills = 0;
  const guard = stopWhenOrphaned(
    { npm_command: 'exec' },
    { ppid: () => parent, kill: () => kills++, say: (t) => said.push(t), everyMs: 5 },
  );
  await new Promise((r) => setTimeout(r, 30));
  assert.is(kills, 0, 'the parent is there');
  parent = 1;
  await waitFor('the guard to notice', () => kills > 0, 5000);
  await new Promise((r) => setTimeout(r, 30));
  assert.is(kills, 1, 'once');
  assert.equal(said, ['the npm process that started this one (pid 4242) is gone: stopping as on SIGTERM']);
  guard.dispose();
  let outside = 0;
  stopWhenOrphaned({}, { ppid: () => (outside++ ? 1 : 4242), kill: () => assert.unreachable('killed') }).dispose();
  stopWhenOrphaned({ npm_command: 'exec' }, { ppid: () => 1, kill: () => assert.unreachable('killed') }).dispose();
  await new Promise((r) => setTimeout(r, 20));
});

test.run();
