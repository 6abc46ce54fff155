import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cronCommandForShell,
  hasBlock,
  loadTemplate,
  removeBlock,
  renderEntry,
  shellQuote,
  upsertBlock,
} from '../../lib/cron/crontab.ts';
import { PROJECT_ROOT } from '../../lib/config/load.ts';

const params = {
  project: '/opt/tg sync',
  schedule: '0 3 * * *',
  node: '/usr/bin/node',
  path: '/usr/bin:/bin',
  logFile: "/opt/tg sync/logs/it's 100%.log",
  args: [] as string[],
};
const USER_TABLE =
  '# my jobs\nMAILTO=me@example.com\nSHELL=/bin/bash\n*/5 * * * * /usr/local/bin/backup --fast   # keep\n\n@reboot echo hi\n';

test('the rendered entry quotes paths for sh, escapes % for cron, and sits between markers', () => {
  const entry = renderEntry(loadTemplate(PROJECT_ROOT), params);
  const lines = entry.trimEnd().split('\n');
  assert.is(lines[0], '# BEGIN telegram-sync /opt/tg sync');
  assert.is(lines.at(-1), '# END telegram-sync /opt/tg sync');
  assert.match(
    entry,
    /^0 3 \* \* \* cd '\/opt\/tg sync' && mkdir -p '\/opt\/tg sync\/logs' && PATH='\/usr\/bin:\/bin' '\/usr\/bin\/node' scripts\/launch\.mjs sync >> '\/opt\/tg sync\/logs\/it'\\''s 100\\%\.log' 2>&1$/m,
  );
  assert.not.match(entry, /CRON_TZ/);
  assert.match(
    renderEntry(loadTemplate(PROJECT_ROOT), { ...params, tz: 'Europe/Berlin' }),
    /^CRON_TZ=Europe\/Berlin\n0 3/m,
  );
  assert.is(cronCommandForShell(shellQuote('50%')), `'50%'`);
});

test('install appends, reinstall replaces in place, uninstall restores the table byte for byte', () => {
  const e1 = renderEntry(loadTemplate(PROJECT_ROOT), params);
  const e2 = renderEntry(loadTemplate(PROJECT_ROOT), { ...params, schedule: '30 4 * * 1-5' });
  const once = upsertBlock(USER_TABLE, e1, params.project);
  assert.is(once, USER_TABLE + e1);
  const withTail = once + '0 0 * * * late-line\n';
  const twice = upsertBlock(withTail, e2, params.project);
  assert.is(twice, USER_TABLE + e2 + '0 0 * * * late-line\n');
  assert.is((twice.match(/BEGIN telegram-sync/g) ?? []).length, 1);
  assert.is(removeBlock(twice, params.project), USER_TABLE + '0 0 * * * late-line\n');
  assert.is(upsertBlock('', e1, params.project), e1);
  assert.is(upsertBlock('no newline at end', e1, params.project), 'no newline at end\n' + e1);
  assert.not.ok(hasBlock(USER_TABLE, params.project));
});

test('a block that sets CRON_TZ moves to the end so it cannot leak into the user lines', () => {
  const plain = renderEntry(loadTemplate(PROJECT_ROOT), params);
  const tzd = renderEntry(loadTemplate(PROJECT_ROOT), { ...params, tz: 'Asia/Tokyo' });
  const table = upsertBlock(USER_TABLE, plain, params.project) + '0 1 * * * mine\n';
  assert.is(upsertBlock(table, tzd, params.project), USER_TABLE + '0 1 * * * mine\n' + tzd);
});

test('another checkout keeps its own block', () => {
  const a = renderEntry(loadTemplate(PROJECT_ROOT), params);
  const b = renderEntry(loadTemplate(PROJECT_ROOT), { ...params, project: '/srv/other' });
  const table = upsertBlock(upsertBlock(USER_TABLE, a, params.project), b, '/srv/other');
  assert.is(removeBlock(table, params.project), USER_TABLE + b);
});

test.run();
