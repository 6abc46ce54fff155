// Before a scan: is each download folder there, readable, and still what it was? A folder that was
// a mount point and no longer is (its device is now its parent's: the volume is not mounted)
// would scan as empty or as the bare mount point, and a run would say "ok" with everything
// missing. What each folder was is kept in state/sources.json.
import fs from 'node:fs';
import path from 'node:path';
import type { SourceDir } from '../../config/sources.ts';
import type { Config } from '../../config/types.ts';
import { SourceError } from '../../errors.ts';
import type { Gate } from '../../gate.ts';
import type { Logger } from '../../log/logger.ts';

export interface SourceState {
  readonly mount: boolean;
}

export type SourceStates = Record<string, SourceState>;

export interface SourceCheck {
  // What to keep for the next run.
  readonly states: SourceStates;
  // Folders that are there but empty (whether that is news depends on the cache).
  readonly empty: readonly SourceDir[];
  // Folders that were mount points and are not now.
  readonly unmounted: readonly SourceDir[];
}

export function readSourceStates(file: string): SourceStates {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SourceStates;
  } catch {
    return {};
  }
}

export function writeSourceStates(file: string, states: SourceStates): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(states, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

// Throws SourceError naming every folder that is missing or unreadable; otherwise says which are
// empty and which lost their mount.
export function checkSources(sources: readonly SourceDir[], before: SourceStates): SourceCheck {
  const problems: string[] = [];
  const states: SourceStates = {};
  const empty: SourceDir[] = [];
  const unmounted: SourceDir[] = [];
  for (const s of sources) {
    let entries: string[];
    let mount: boolean;
    try {
      entries = fs.readdirSync(s.path);
      mount = fs.statSync(s.path).dev !== fs.statSync(path.dirname(s.path)).dev;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(`${s.path}: ${code === 'ENOENT' ? 'the download folder is gone' : `cannot be read (${code})`}`);
      continue;
    }
    // Once a mount point, remembered as one: every run fails until the volume is back (or the
    // folder is forgotten: state/sources.json edited, or SYNC_LOST_MOUNT=warn).
    states[s.path] = { mount: mount || before[s.path]?.mount === true };
    if (before[s.path]?.mount && !mount) unmounted.push(s);
    if (entries.length === 0) empty.push(s);
  }
  if (problems.length) throw new SourceError(problems);
  return { states, empty, unmounted };
}

export function sourceStateFile(config: Pick<Config, 'lockFile'>): string {
  return path.join(path.dirname(config.lockFile), 'sources.json');
}

type Checked = Pick<Config, 'sources' | 'lockFile' | 'lostMount' | 'emptySource'>;

// At the start of a run: the folders checked, a lost mount failing the run (or warned of, with
// SYNC_LOST_MOUNT=warn), and what each folder is remembered as.
export async function checkSourcesAtStart(
  config: Checked,
  deps: { readonly gate: Gate; readonly log: Logger },
): Promise<SourceCheck> {
  const file = sourceStateFile(config);
  const check = checkSources(config.sources, readSourceStates(file));
  for (const s of check.unmounted)
    deps.log.write({ kind: 'source.unmounted', path: s.path, fails: config.lostMount === 'fail' });
  if (check.unmounted.length && config.lostMount === 'fail') {
    throw new SourceError(
      check.unmounted.map((s) => `${s.path} was a mount point and is not now: is the volume mounted?`),
    );
  }
  await deps.gate.run('remember the download folders', { file }, () => writeSourceStates(file, check.states));
  return check;
}

// Once the cache is read: an empty folder whose files the cache still holds is named (with
// SYNC_EMPTY_SOURCE=fail, it fails the run; some users remove files once they are synced).
export function checkEmptySources(
  check: SourceCheck,
  cache: { entriesUnder(dir: string): number },
  config: Pick<Config, 'emptySource'>,
  log: Logger,
): void {
  const problems: string[] = [];
  for (const s of check.empty) {
    const cached = cache.entriesUnder(s.path);
    if (!cached) continue;
    log.write({ kind: 'source.empty', path: s.path, cached, fails: config.emptySource === 'fail' });
    problems.push(`${s.path} is empty while the cache holds ${cached} of its files: is the volume mounted?`);
  }
  if (problems.length && config.emptySource === 'fail') throw new SourceError(problems);
}
