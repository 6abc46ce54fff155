// lib/systemd/systemctl.ts and scripts/install-service.ts. systemd cannot run as PID 1 on these
// machines, so systemctl is a recording fake here (named fakeSystemctl); systemd-analyze is always
// Debian's real one, and one test runs the real systemctl to show how its failure is reported.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT_CODES, ServiceError } from '../../lib/errors.ts';
import type { Runner } from '../../lib/systemd/systemctl.ts';
import { main } from '../../scripts/install-service.ts';
import { needing } from '../support/requires.ts';
import { tempDir } from '../support/env.ts';

const analyze = fs.existsSync('/usr/bin/systemd-analyze')
  ? { ok: true as const }
  : { ok: false as const, why: 'systemd-analyze is missing (apt-get install systemd; .ci/run does this)' };
const it = needing(test, "Debian's systemd-analyze", analyze);

function fakeSystemctl(exitCode = 0, output = ''): Runner & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(
    async (file: string, args: readonly string[]) => (calls.push([file, ...args].join(' ')), { exitCode, output }),
    { calls },
  );
}
function sink() {
  let text = '';
  return { out: new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), text: () => text };
}
function configEnv(): NodeJS.ProcessEnv {
  const dir = tempDir('svc');
  fs.mkdirSync(path.join(dir, 'downloads'));
  return {
    MINIO_ENDPOINT: 'http://127.0.0.1:9',
    MINIO_ACCESS_KEY: 'k',
    MINIO_SECRET_KEY: 'secret-never-in-a-unit',
    MINIO_BUCKET: 'telegram',
    SYNC_DOWNLOAD_DIRS: path.join(dir, 'downloads'),
    SYNC_STOP_TIMEOUT_SECONDS: '50',
  };
}
const run = (args: string[], systemctl: Runner, env = configEnv(), uid = 1000) => {
  const s = sink();
  return main(args, env, { systemctl, out: s.out, uid }).then(
    (code) => ({ code, text: s.text() }),
    (e: unknown) => ({ code: -1, text: s.text(), error: e }),
  );
};

it('install writes the verified unit, then daemon-reload, enable, restart; again replaces it; uninstall removes it', async () => {
  const dir = tempDir('units');
  const sc = fakeSystemctl();
  const first = await run(['--unit-dir', dir], sc);
  assert.is(first.code, EXIT_CODES.ok, String((first as { error?: unknown }).error));
  const unit = fs.readFileSync(path.join(dir, 'telegram-sync.service'), 'utf8');
  assert.match(unit, /^ExecStart=.* scripts\/launch\.mjs sync --watch$/m);
  assert.match(unit, /^TimeoutStopSec=65s$/m, 'SYNC_STOP_TIMEOUT_SECONDS=50 plus the margin');
  assert.not.match(unit, /secret-never-in-a-unit/);
  assert.equal(sc.calls, [
    'systemctl --user daemon-reload',
    'systemctl --user enable telegram-sync.service',
    'systemctl --user restart telegram-sync.service',
  ]);
  assert.match(
    first.text,
    /^installed .*telegram-sync\.service; enabled and \(re\)started\nfollow it with: journalctl --user -u telegram-sync\.service -f\n$/,
  );
  const again = await run(['--unit-dir', dir, '--no-start', '--name', 'tg-b.service'], sc);
  assert.is(again.code, 0);
  assert.equal(sc.calls.slice(3), ['systemctl --user daemon-reload', 'systemctl --user enable tg-b.service']);
  const replaced = await run(['--unit-dir', dir], sc);
  assert.match(replaced.text, /^replaced /);
  const gone = await run(['--unit-dir', dir, '--uninstall'], sc);
  assert.is(gone.code, 0);
  assert.equal(sc.calls.slice(-2), [
    'systemctl --user disable --now telegram-sync.service',
    'systemctl --user daemon-reload',
  ]);
  assert.equal(fs.readdirSync(dir).sort(), ['tg-b.service']);
  assert.match((await run(['--unit-dir', dir, '--uninstall'], sc)).text, /nothing to remove/);
});

it('as root it is a system unit run as $SUDO_USER; --dry-run verifies and shows, and writes or runs nothing', async () => {
  const dir = tempDir('units');
  const sc = fakeSystemctl();
  const r = await run(['--unit-dir', dir, '--dry-run'], sc, { ...configEnv(), SUDO_USER: 'tg' }, 0);
  assert.is(r.code, 0);
  assert.match(
    r.text,
    /systemd-analyze verify: ok\n\[dry-run\] would write .*\n {2}systemctl daemon-reload\n {2}systemctl enable telegram-sync\.service\n {2}systemctl restart telegram-sync\.service\n$/,
  );
  assert.equal(fs.readdirSync(dir), []);
  assert.equal(sc.calls, []);
  const shown = await run(['--print'], sc, { SUDO_USER: 'tg' }, 0);
  assert.match(shown.text, /^User=tg$/m);
  assert.match(shown.text, /^WantedBy=multi-user\.target$/m);
  const asRoot = await run(['--print', '--system', '--run-as', 'root'], sc, {}, 0);
  assert.not.match(asRoot.text, /^User=/m, 'a root unit only when asked for by name');
});

it('bad flags and an incomplete configuration are refused before anything is written', async () => {
  const dir = tempDir('units');
  const sc = fakeSystemctl();
  for (const [args, msg] of [
    [['--user', '--system'], /give one/],
    [['--name', 'x.timer'], /--name: expected a unit name/],
    [['--user', '--run-as', 'tg'], /--run-as/],
    [['--system'], /a system unit would run the sync as root: give --run-as USER/],
  ] as const) {
    const r = await run([...args, '--unit-dir', dir], sc);
    assert.match(String((r as { error?: Error }).error?.message), msg);
  }
  const r = await run(['--unit-dir', dir], sc, { SYNC_DOWNLOAD_DIRS: '' });
  assert.match(String((r as { error?: Error }).error?.message), /MINIO_ENDPOINT/);
  assert.equal(fs.readdirSync(dir), []);
  assert.equal(sc.calls, []);
});

it('the real systemctl on a machine without systemd: exit 11, the unit is written and verified, the message says what failed', async () => {
  const dir = tempDir('units');
  const env = configEnv();
  const r = await main(['--unit-dir', dir], env, { out: sink().out, uid: 1000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(r instanceof ServiceError, String(r));
  assert.is(r.exitCode, EXIT_CODES.service);
  assert.match(
    r.message,
    /telegram-sync\.service was written and verified, but `systemctl --user daemon-reload` failed: \S/,
  );
  assert.ok(fs.existsSync(path.join(dir, 'telegram-sync.service')));
});

test.run();
