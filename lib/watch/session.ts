// What two of watch mode's batches running at once share (a small file's batch beside a large
// file's, so small files do not wait behind large ones): one hold of the run lock and one hash
// cache. The lock is taken by the first run of a busy spell and let go by its last; the cache is
// loaded by the first and closed when the lock goes, so a nightly run between two spells reads
// and writes the cache as it always did. The cache's methods are synchronous, so two runs
// recording into one instance cannot tear it.
import type { HeldLock, TakeLock } from '../lock/lock.ts';
import type { HashCache } from '../sync/cache/cache.ts';

export interface RunSession {
  // The run lock, taken once for all the runs that overlap.
  readonly lock: TakeLock;
  // The cache the overlapping runs share (`load` reads it for the first).
  cache(load: () => Promise<HashCache>): Promise<HashCache>;
  // Let the lock go now, whoever holds it (a stop that abandons what is in flight).
  abandon(): void;
}

export function createRunSession(take: TakeLock): RunSession {
  let held: Promise<HeldLock> | undefined;
  let users = 0;
  let cache: Promise<HashCache> | undefined;
  const letGo = () => {
    const [lock, shared] = [held, cache];
    held = cache = undefined;
    void shared?.then(
      (c) => c.close(),
      () => undefined,
    );
    void lock?.then(
      (l) => l.release(),
      () => undefined,
    );
  };
  return {
    async lock(file) {
      const taking = (held ??= take(file));
      users++;
      let real: HeldLock;
      try {
        real = await taking;
      } catch (e) {
        if (--users === 0) held = undefined;
        throw e;
      }
      let released = false;
      return {
        file: real.file,
        ...(real.takenOverFrom ? { takenOverFrom: real.takenOverFrom } : {}),
        release() {
          if (released) return;
          released = true;
          if (--users === 0) letGo();
        },
      };
    },
    cache(load) {
      if (!held) return load(); // not in a spell (a dry run takes no lock): the run's own
      return (cache ??= load());
    },
    abandon() {
      users = 0;
      letGo();
    },
  };
}
