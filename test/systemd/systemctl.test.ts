// lib/systemd/systemctl.ts called directly: Debian's real systemd-analyze verifies (and refuses),
// systemctl is a recording fake (named fakeSystemctl: systemd cannot run as PID 1 on these
// machines); a failing step names the command and what was already done.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceError } from '../../lib/errors.ts';
import { installUnit, realRunner, uninstallUnit, verifyUnit, type Runner } from '../../lib/systemd/systemctl.ts';
import { tempDir } from '../support/env.ts';
import { needing } from '../support/requires.ts';

const analyze = fs.existsSync('/usr/bin/systemd-analyze')
  ? { ok: true as const }
  : { ok: false as const, why: 'systemd-analyze is missing (apt-get install systemd; .ci/run does this)' };
const it = needing(test, "Debian's systemd-analyze", analyze);

const GOOD =
  '[Unit]\nDescription=probe\n\n[Service]\nType=simple\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n';

function fakeSystemctl(failOn?: string): Runner & { calls: string[] } {
  const calls: string[] = [];
  const run: Runner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    return failOn && args.includes(failOn)
      ? { exitCode: 1, output: `Failed to ${failOn}: no bus` }
      : { exitCode: 0, output: '' };
  };
  return Object.assign(run, { calls });
}

function target(systemctl: Runner, dryRun = false) {
  let text = '';
  const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  const unitDir = tempDir('sysd');
  return {
    t: { unit: 'probe.service', scope: 'system' as const, unitDir, out, dryRun, systemctl, analyze: realRunner },
    text: () => text,
  };
}

it('verifyUnit: a sound unit passes; an unknown key (which systemd only warns about) is refused, named', async () => {
  const { t } = target(fakeSystemctl());
  await verifyUnit(t, GOOD);
  const bad = GOOD.replace('Type=simple', 'Type=simple\nRestartt=always');
  await verifyUnit(t, bad).then(
    () => assert.unreachable('an unknown key must be refused'),
    (e: unknown) => {
      assert.instance(e, ServiceError);
      assert.match((e as Error).message, /systemd-analyze verify rejected the unit:[\s\S]*Restartt/);
    },
  );
});

it('installUnit writes the file, then reload, enable, restart; a failing step names itself; uninstall removes it', async () => {
  const sc = fakeSystemctl();
  const { t, text } = target(sc);
  await installUnit(t, GOOD, true);
  assert.is(fs.readFileSync(path.join(t.unitDir, 'probe.service'), 'utf8'), GOOD);
  assert.equal(sc.calls, [
    'systemctl daemon-reload',
    'systemctl enable probe.service',
    'systemctl restart probe.service',
  ]);
  assert.match(text(), /installed .*probe\.service; enabled and \(re\)started/);
  const failing = target(fakeSystemctl('enable'));
  await installUnit(failing.t, GOOD, true).then(
    () => assert.unreachable(),
    (e: unknown) =>
      assert.match(
        (e as Error).message,
        /was written and verified, but `systemctl enable probe\.service` failed: Failed to enable: no bus/,
      ),
  );
  await uninstallUnit(t);
  assert.not.ok(fs.existsSync(path.join(t.unitDir, 'probe.service')));
  assert.equal(sc.calls.slice(3), ['systemctl disable --now probe.service', 'systemctl daemon-reload']);
});

it('a dry run verifies and says what it would do, and writes or runs nothing', async () => {
  const sc = fakeSystemctl();
  const { t, text } = target(sc, true);
  await installUnit(t, GOOD, false);
  assert.equal(sc.calls, []);
  assert.equal(fs.readdirSync(t.unitDir), []);
  assert.match(
    text(),
    /\[dry-run\] systemd-analyze verify: ok\n\[dry-run\] would write .*probe\.service and run:\n {2}systemctl daemon-reload\n {2}systemctl enable probe\.service\n$/,
  );
});

test.run();
