// lib/systemd/unit.ts: the unit rendered for both scopes, with hostile paths, and checked by
// Debian's real `systemd-analyze verify` (see lib/systemd/systemctl.ts verifyUnit).
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { ServiceError } from '../../lib/errors.ts';
import { realRunner, verifyUnit } from '../../lib/systemd/systemctl.ts';
import { defaultUnitDir, loadUnitTemplate, renderUnit, systemdQuote, type UnitParams } from '../../lib/systemd/unit.ts';
import { needing } from '../support/requires.ts';
import { tempDir } from '../support/env.ts';

const analyze = fs.existsSync('/usr/bin/systemd-analyze')
  ? { ok: true as const }
  : { ok: false as const, why: 'systemd-analyze is missing (apt-get install systemd; .ci/run does this)' };
const real = needing(test, "Debian's systemd-analyze", analyze);
const base: UnitParams = {
  project: PROJECT_ROOT,
  unit: 'telegram-sync.service',
  scope: 'system',
  node: process.execPath,
  args: [],
  stopTimeoutMs: 30_000,
  logDir: path.join(PROJECT_ROOT, 'logs'),
};
const line = (unit: string, key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`));

test('a system unit runs `sync --watch` with this node in the project, restarts on failure but not on exit 2 or 10', () => {
  const unit = renderUnit(loadUnitTemplate(PROJECT_ROOT), { ...base, runAs: 'tg' });
  assert.equal(line(unit, 'ExecStart'), [`ExecStart=${process.execPath} scripts/launch.mjs sync --watch`]);
  assert.equal(line(unit, 'WorkingDirectory'), [`WorkingDirectory=${PROJECT_ROOT}`]);
  assert.equal(line(unit, 'User'), ['User=tg']);
  assert.equal(line(unit, 'Restart'), ['Restart=on-failure']);
  assert.equal(line(unit, 'RestartPreventExitStatus'), ['RestartPreventExitStatus=2 10']);
  assert.equal(line(unit, 'KillMode'), ['KillMode=mixed']);
  assert.equal(
    line(unit, 'TimeoutStopSec'),
    ['TimeoutStopSec=45s'],
    'the stop bound plus a margin, so systemd never kills a clean stop',
  );
  assert.equal(line(unit, 'WantedBy'), ['WantedBy=multi-user.target']);
  assert.not.match(unit, /\{\{/);
});

test("a user unit has no User= and is wanted by default.target; the unit folders are systemd's", () => {
  const unit = renderUnit(loadUnitTemplate(PROJECT_ROOT), { ...base, scope: 'user', runAs: 'ignored' });
  assert.equal(line(unit, 'User'), []);
  assert.equal(line(unit, 'WantedBy'), ['WantedBy=default.target']);
  assert.is(defaultUnitDir('system', {}, '/home/a'), '/etc/systemd/system');
  assert.is(defaultUnitDir('user', {}, '/home/a'), '/home/a/.config/systemd/user');
  assert.is(defaultUnitDir('user', { XDG_CONFIG_HOME: '/cfg' }, '/home/a'), '/cfg/systemd/user');
});

test("quoting: spaces, quotes, backslashes, % and $ survive systemd's parsing; a line break is refused", () => {
  assert.is(systemdQuote('/srv/tg/x.env', 'exec'), '/srv/tg/x.env');
  assert.is(systemdQuote('/srv/my "tg"/50%/$HOME\\x', 'exec'), '"/srv/my \\"tg\\"/50%%/$$HOME\\\\x"');
  assert.is(systemdQuote('PATH=/a b/$x', 'env'), '"PATH=/a b/$x"');
  assert.throws(
    () => systemdQuote('a\nExecStartPre=/bin/evil', 'exec'),
    (e: unknown) => e instanceof ServiceError && /line break/.test(e.message),
  );
  assert.throws(
    () => renderUnit(loadUnitTemplate(PROJECT_ROOT), { ...base, runAs: 'root\nUser=x' }),
    (e: unknown) => e instanceof ServiceError && /--run-as/.test(e.message),
  );
});

test('a template placeholder nobody fills is an error naming it', () => {
  assert.throws(
    () => renderUnit('ExecStart={{exec_start}} {{nope}}\n', base),
    (e: unknown) => e instanceof ServiceError && /\{\{nope\}\}/.test(e.message),
  );
});

real(
  'systemd-analyze verify accepts the system and the user unit, also for a project path with spaces, % and $',
  async () => {
    const odd = path.join(tempDir('unit'), 'my tg 100% $HOME');
    fs.mkdirSync(odd);
    for (const scope of ['system', 'user'] as const) {
      const unit = renderUnit(loadUnitTemplate(PROJECT_ROOT), {
        ...base,
        scope,
        project: odd,
        args: ['--config', path.join(odd, 'prod "x".env')],
        logDir: path.join(odd, 'logs'),
      });
      await verifyUnit({ unit: 'telegram-sync.service', scope, analyze: realRunner }, unit);
    }
  },
);

real(
  'systemd-analyze verify rejects a unit with a misspelt key or a program that does not exist, quoting its complaint',
  async () => {
    const unit = renderUnit(loadUnitTemplate(PROJECT_ROOT), base);
    const reject = async (text: string, complaint: RegExp) => {
      const e = await verifyUnit({ unit: 'telegram-sync.service', scope: 'system', analyze: realRunner }, text).then(
        () => undefined,
        (x: unknown) => x,
      );
      assert.ok(e instanceof ServiceError, `expected a ServiceError, got ${String(e)}`);
      assert.match(e.message, /^systemd-analyze verify rejected the unit:\n/);
      assert.match(e.message, complaint);
    };
    await reject(unit.replace('Restart=on-failure', 'Restart=on-failure\nRestartSecs=10'), /Unknown key 'RestartSecs'/);
    await reject(unit.replace(process.execPath, '/nonexistent/node'), /\/nonexistent\/node is not executable/);
  },
);

test.run();
