// The README stays true: every command it shows parses with that command's own flags, every flag
// of the sync is in its flag table, the cron example is the line install-cron writes, and the
// launcher answers --help. (The configuration and exit-code tables: test/config/table.test.ts;
// the Layout table: test/layout.test.ts; the lock wait: test/lock/; the unit: test/systemd/.)
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFlags, type FlagSpec } from '../lib/args.ts';
import { DEMO } from '../lib/commands/demo.ts';
import { INSTALL_CRON } from '../lib/commands/install-cron.ts';
import { INSTALL_SERVICE } from '../lib/commands/install-service.ts';
import { SYNC } from '../lib/commands/sync.ts';
import { TEST_SYNC } from '../lib/commands/test-sync.ts';
import { loadTemplate, renderEntry } from '../lib/cron/crontab.ts';
import { PROJECT_ROOT } from './support/env.ts';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
// Each script's flags, by the name the README calls it.
const FLAGS: Record<string, FlagSpec> = {
  sync: SYNC.flags,
  'test-sync': TEST_SYNC.flags,
  'install-cron': INSTALL_CRON.flags,
  'install-service': INSTALL_SERVICE.flags,
  demo: DEMO.flags,
};

// Words of a shell line as sh splits them (quotes; no expansion needed here), comment cut off.
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(#.*$)|(\S+)/g)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2] ?? m[4]!);
  }
  return out;
}

// Every line of the README's bash blocks that runs one of the scripts: [script, its arguments].
function shownCommands(): [string, string[]][] {
  const shown: [string, string[]][] = [];
  for (const block of readme.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const w = words(raw.replace(/^\s*sudo /, ''));
      const at = w.findIndex((x, i) => (x === 'zx' && w[i - 1] === 'npx') || x === 'scripts/launch.mjs');
      if (at >= 0 && w[at] === 'zx') shown.push([w[at + 1]!.replace(/^scripts\/(.*)\.ts$/, '$1'), w.slice(at + 2)]);
      else if (at >= 0) shown.push([w[at + 1]!, w.slice(at + 2)]);
      else if (w[0] === 'npm' && w[1] === 'run' && w[2] === 'demo') shown.push(['demo', w.slice(4)]);
    }
  }
  return shown;
}

test('every command the README shows parses with its own flags', () => {
  const shown = shownCommands().filter(([script]) => script in FLAGS);
  assert.ok(shown.length >= 12, `found ${shown.length}`);
  for (const [script, args] of shown) {
    const spec: FlagSpec = { ...FLAGS[script], help: { type: 'boolean', default: false } };
    try {
      parseFlags(args, spec);
    } catch (e) {
      assert.unreachable(`README: ${script} ${args.join(' ')}: ${(e as Error).message}`);
    }
  }
  assert.ok(
    shown.some(([s, a]) => s === 'sync' && a.includes('--watch')),
    'the watch command is shown',
  );
});

test("every flag of the sync is in the README's flag table", () => {
  for (const flag of Object.keys(SYNC.flags)) {
    if (flag === 'env-file') continue; // its old name, in the --config row
    assert.match(readme, new RegExp(`^\\| \`--${flag}[ \`]`, 'm'), `README flag table lacks --${flag}`);
  }
});

test('the cron example is the line install-cron writes', () => {
  const entry = renderEntry(loadTemplate(PROJECT_ROOT), {
    project: '/srv/telegram-sync',
    schedule: '0 3 * * *',
    node: '/usr/bin/node',
    path: '/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin',
    logFile: '/srv/telegram-sync/logs/cron.log',
    args: [],
  });
  assert.ok(readme.includes(entry.trimEnd()), `the README should show:\n${entry}`);
});

test('the launcher and every script answer --help with exit 0; test-sync names its exit code 8', async () => {
  const launcher = await execa(process.execPath, ['scripts/launch.mjs', '--help'], {
    cwd: PROJECT_ROOT,
    reject: false,
  });
  assert.is(launcher.exitCode, 0, launcher.stderr);
  assert.match(launcher.stdout, /usage: node scripts\/launch\.mjs <sync\|test-sync\|install-cron>/);
  assert.match(TEST_SYNC.help, /exit 8 when a check fails/);
  assert.not.match(DEMO.help, /\[-- --keep\] \[-- --rgw\]/);
});

test.run();
