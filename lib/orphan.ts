// A script started by npm (`npx zx scripts/…`, `npm run …`) stops when npm is gone. npm does not
// pass SIGTERM on to its child: `kill -TERM` to npx ended npx and left a watch running with no
// parent, holding its port. So under npm the parent is looked at once a second, and once it is gone
// the process sends itself SIGTERM: the run stops the way SIGTERM stops it (graceful, recorded).
// Outside npm nothing is watched: `nohup … &` is meant to outlive its shell.

const EVERY_MS = 1000;

export interface OrphanGuard {
  dispose(): void;
}

export function stopWhenOrphaned(
  env: NodeJS.ProcessEnv,
  o: {
    readonly ppid?: () => number;
    readonly kill?: () => void;
    readonly say?: (text: string) => void;
    readonly everyMs?: number;
  } = {},
): OrphanGuard {
  const ppid = o.ppid ?? (() => process.ppid);
  const first = ppid();
  if (!env.npm_command || first <= 1) return { dispose() {} };
  const kill = o.kill ?? (() => process.kill(process.pid, 'SIGTERM'));
  const say = o.say ?? ((text: string) => process.stderr.write(`${text}\n`));
  const timer = setInterval(() => {
    if (ppid() === first) return;
    clearInterval(timer);
    say(`the npm process that started this one (pid ${first}) is gone: stopping as on SIGTERM`);
    kill();
  }, o.everyMs ?? EVERY_MS);
  timer.unref();
  return { dispose: () => clearInterval(timer) };
}
