// `sync --watch` with its monitoring address: /healthz answers once the watch is ready, SIGTERM
// ends the process with 0 and the port is let go.
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { freePort } from '../../lib/dev/rgw.ts';
import { PROJECT_ROOT, TSX_LOADER, waitFor, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

eachServer('sync --watch and its monitoring address', ({ it, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  it('/healthz is 200 once ready; SIGTERM: exit 0 and the port freed', async () => {
    const port = await freePort();
    let out = '';
    const child = execa(
      process.execPath,
      ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts'), '--watch'],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sb.env, SYNC_METRICS_LISTEN: `127.0.0.1:${port}` },
        extendEnv: false,
        reject: false,
        all: true,
      },
    );
    child.all?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the watch to be ready', () => /watch\.ready/.test(out));
    assert.is((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    child.kill('SIGTERM');
    const r = await child;
    assert.is(r.exitCode, 0, r.all);
    assert.not.ok(await connects(port), 'nothing listens any more');
  });
});
