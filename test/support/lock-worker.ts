// A separate process racing for the lock, round after round, for test/e2e/lock-race.test.ts.
// Usage: node --import tsx test/support/lock-worker.ts LOCK_FILE BARRIER_DIR WORKER_ID ROUNDS WORKERS
import fs from 'node:fs';
import path from 'node:path';
import { LockHeldError } from '../../lib/errors.ts';
import { acquireLock } from '../../lib/lock/lock.ts';

const [lockFile, barrier, id, rounds, workers] = process.argv.slice(2) as [string, string, string, string, string];
const waitFor = async (test: () => boolean) => {
  while (!test()) await new Promise((r) => setTimeout(r, 1));
};
for (let r = 0; r < Number(rounds); r++) {
  await waitFor(() => fs.existsSync(path.join(barrier, `go-${r}`)));
  let outcome: string;
  let release: (() => void) | undefined;
  try {
    const held = await acquireLock(lockFile);
    release = () => held.release();
    outcome = 'won';
  } catch (e) {
    outcome = e instanceof LockHeldError ? 'held' : `error: ${(e as Error).message}`;
  }
  fs.writeFileSync(path.join(barrier, `r${r}-w${id}`), outcome);
  // The winner holds the lock until every worker has tried, so a late loser cannot win legitimately.
  if (release) {
    await waitFor(() =>
      Array.from({ length: Number(workers) }, (_, w) => fs.existsSync(path.join(barrier, `r${r}-w${w}`))).every(
        Boolean,
      ),
    );
    release();
  }
  fs.writeFileSync(path.join(barrier, `done-${r}-w${id}`), '');
}
