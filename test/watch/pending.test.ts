import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Pending } from '../../lib/watch/pending.ts';
import type { WalkedDir } from '../../lib/sync/scan/types.ts';

const dir = {
  source: { name: 'd', path: '/d', keySegment: '' },
  place: { fs: '/d', text: '/d', rel: '', rawRel: undefined },
  ancestors: new Set<string>(),
} satisfies WalkedDir;
const name = (n: string) => Buffer.from(n);

test('one entry per path; a later event never pulls it earlier; setDue sets it exactly; takeDue takes only what is due', () => {
  const p = new Pending();
  p.add(dir, name('a'), '/d/a', 100);
  p.add(dir, name('a'), '/d/a', 50);
  p.add(dir, name('b'), '/d/b', 200);
  assert.is(p.size, 2);
  assert.is(p.nextDue(), 100);
  assert.equal(
    p.takeDue(150).map((x) => x.path),
    ['/d/a'],
  );
  assert.ok(p.has('/d/b'));
  p.setDue(dir, name('b'), '/d/b', 120);
  assert.is(p.nextDue(), 120);
  assert.equal(
    p.takeDue(1000).map((x) => x.path),
    ['/d/b'],
  );
  assert.is(p.nextDue(), undefined);
});

test.run();
