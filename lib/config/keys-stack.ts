// The configuration keys of the stack around the sync: the containers that must run, the Django
// processing command, and what test-sync reads of the database.
import { key } from './key-spec.ts';
import * as v from './values.ts';

export const STACK_KEYS = {
  SYNC_CONTAINERS: key(
    '',
    'containers that must be running before a sync (e.g. `telegram-downloader,minio`); empty = none',
    v.list,
  ),
  DJANGO_CONTAINER: key(
    '',
    'container to run the processing command in (e.g. `django`); empty = no processing stage',
    v.text,
  ),
  PROCESS_COMMAND: key(
    'python manage.py process_scrap',
    'command run with `docker exec` after uploads (split on spaces, or a JSON array)',
    (raw, ctx) => {
      const argv = v.command(raw);
      if (!argv.length && ctx.raw('DJANGO_CONTAINER').trim()) throw new v.Expected('a command');
      return argv;
    },
  ),
  PROCESS_DEBOUNCE_SECONDS: key(
    '60',
    '`--watch`: the processing command runs once uploads have been quiet this long',
    v.secondsAsMs(0, 24 * 3600),
  ),
  PROCESS_MIN_INTERVAL_SECONDS: key(
    '300',
    '`--watch`: at least this long between two starts of the processing command',
    v.secondsAsMs(0, 7 * 24 * 3600),
  ),
  PROCESS_TIMEOUT_SECONDS: key(
    '1800',
    'processing is killed and reported after this long',
    v.secondsAsMs(1, 7 * 24 * 3600),
  ),
  CONTAINER_START_TIMEOUT_SECONDS: key(
    '60',
    'how long to wait for a started container to run (and be healthy)',
    v.secondsAsMs(1, 3600),
  ),
  DOCKER_HOST: key(
    '',
    ['Docker daemon socket for the docker CLI (also read from `.env`, so cron finds it); empty =', 'the CLI default'],
    v.text,
  ),
  DOCKER_CONTEXT: key('', 'Docker CLI context to use; empty = the CLI default', v.text),
  HEALTH_MODEL: key(
    '',
    [
      'what `test-sync` reads processed rows from: `app_label.Model` (through Django), or a table',
      'name; empty = no database check',
    ],
    v.identifier(true),
  ),
  HEALTH_KEY_FIELD: key('key', 'field (column) of `HEALTH_MODEL` holding the object key', v.identifier(false)),
  HEALTH_TIME_FIELD: key(
    'processed_at',
    'field (column) of `HEALTH_MODEL` holding when it was processed',
    v.identifier(false),
  ),
  HEALTH_WINDOW_HOURS: key(
    '24',
    '`test-sync` looks at objects and rows changed this recently; `--since` overrides',
    v.duration,
  ),
  HEALTH_MAX_AGE_HOURS: key(
    '26',
    '`test-sync` fails if the last successful sync is older; `--max-age` overrides',
    v.duration,
  ),
} as const;
