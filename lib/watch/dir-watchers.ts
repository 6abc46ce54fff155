// Watch mode's eyes: one inotify watch (fs.watch, not recursive) per directory the scan walked.
// Linux's fs.watch reports every create, write, rename and move in a directory with the entry's
// name, which is all the watch needs: what the name now is, the scan's rules decide (see
// lib/sync/scan/scan.ts scanNames). Events the kernel drops (a full queue) are not reported by Node
// at all: the periodic rescan is the safety net.
import fs from 'node:fs';
import { WatchLimitError } from '../errors.ts';
import type { WalkedDir } from '../sync/scan/types.ts';

export type WatchFn = (
  path: string | Buffer,
  options: { encoding: 'buffer'; persistent: boolean },
  listener: (event: string, name: Buffer | null) => void,
) => fs.FSWatcher;

export interface DirWatchers {
  // Watch a directory (one already watched keeps its watch).
  add(dir: WalkedDir): void;
  // Start a rescan: directories not add()ed again before sweep() are no longer watched.
  mark(): void;
  sweep(): number;
  // The watched directory whose path (as text) is `text`.
  get(text: string): WalkedDir | undefined;
  readonly size: number;
  close(): void;
}

const LIMITS: Record<string, string> = {
  ENOSPC: 'fs.inotify.max_user_watches',
  EMFILE: 'fs.inotify.max_user_instances',
};

// The per-user-namespace limit beside each sysctl (Linux 5.11+; lower in a container or namespace).
const NAMESPACE_LIMITS: Record<string, string> = {
  ENOSPC: 'user.max_inotify_watches',
  EMFILE: 'user.max_inotify_instances',
};

function readSysctl(name: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
  } catch {
    return undefined; // not Linux, or /proc not mounted: the name of the setting is still right
  }
}

// The kernel refused a watch: say which sysctl to raise, with its value now.
export function watchLimitError(code: string, watched: number, dir: string): WatchLimitError {
  const sysctl = LIMITS[code]!;
  const now = readSysctl(sysctl) ?? '?';
  const inNamespace = readSysctl(NAMESPACE_LIMITS[code]!);
  const namespaceLower = inNamespace !== undefined && now !== '?' && Number(inNamespace) < Number(now);
  const limit = `${NAMESPACE_LIMITS[code]} = ${inNamespace}`;
  const lower = namespaceLower
    ? `; this user namespace allows only ${limit}, raise that where the namespace is made`
    : '';
  const state = `${code}; ${sysctl} = ${now}, ${watched} folder(s) watched by this process${lower}`;
  return new WatchLimitError(
    `cannot watch ${dir}: the kernel's inotify limit is reached (${state}). ` +
      `Raise it: sudo sysctl ${sysctl}=524288, and add that line to /etc/sysctl.d/90-telegram-sync.conf ` +
      'to keep it after a reboot',
  );
}

export function createDirWatchers(
  onName: (dir: WalkedDir, name: Buffer) => void,
  onLost: (dir: WalkedDir) => void,
  watch: WatchFn = fs.watch as unknown as WatchFn,
): DirWatchers {
  const watchers = new Map<string, { watcher: fs.FSWatcher; dir: WalkedDir; seen: boolean }>();
  const drop = (text: string) => {
    watchers.get(text)?.watcher.close();
    watchers.delete(text);
  };
  return {
    add(dir) {
      const known = watchers.get(dir.place.text);
      if (known) return void (known.seen = true);
      let watcher: fs.FSWatcher;
      try {
        watcher = watch(dir.place.fs, { encoding: 'buffer', persistent: true }, (_event, name) =>
          name ? onName(dir, name) : onLost(dir),
        );
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (code in LIMITS) throw watchLimitError(code, watchers.size, dir.place.text);
        return; // gone or unreadable since it was listed: the rescan reports it
      }
      // A watched folder removed or moved away ends its watch; the next rescan finds what is there.
      watcher.on('error', () => drop(dir.place.text));
      watchers.set(dir.place.text, { watcher, dir, seen: true });
    },
    mark() {
      for (const w of watchers.values()) w.seen = false;
    },
    sweep() {
      const gone = [...watchers].filter(([, w]) => !w.seen).map(([text]) => text);
      for (const text of gone) drop(text);
      return gone.length;
    },
    get: (text) => watchers.get(text)?.dir,
    get size() {
      return watchers.size;
    },
    close() {
      for (const text of [...watchers.keys()]) drop(text);
    },
  };
}
