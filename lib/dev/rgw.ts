// A production S3 server for the tests and for trying the toolkit: Ceph's RADOS Gateway on a
// throwaway single-node cluster (one mon, one memstore OSD: data lives in the OSD's memory),
// from Debian's packages, on 127.0.0.1, in a folder of its own. It is started in the order the
// field notes give (keyring, monmap, mon, osd, radosgw, user) and stopped by its own pid files
// in the reverse order (radosgw first: it ignores SIGTERM for long once the OSD is gone).
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { sleep } from '../clock.ts';

export const RGW_BINARIES = [
  '/usr/bin/ceph-mon',
  '/usr/bin/ceph-osd',
  '/usr/bin/radosgw',
  '/usr/bin/radosgw-admin',
  '/usr/bin/ceph-authtool',
  '/usr/bin/monmaptool',
  '/usr/bin/ceph',
];
const DAEMONS = ['client.rgw', 'osd.0', 'mon.a'] as const;

export interface RgwServer {
  readonly endpoint: string;
  readonly port: number;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly directory: string;
  // Stop only the gateway (the cluster and its data stay), and start it again on the same port.
  stopGateway(): Promise<void>;
  startGateway(): Promise<void>;
  // The PIDs of this cluster's daemons that still run.
  running(): number[];
  close(): Promise<void>;
}

const RGW_PACKAGES = 'ceph-mon ceph-osd radosgw ceph-common';

export function rgwInstalled(): { ok: true } | { ok: false; why: string } {
  const missing = RGW_BINARIES.filter((b) => !fs.existsSync(b));
  if (!missing.length) return { ok: true };
  const install = `apt-get install --no-install-recommends ${RGW_PACKAGES}`;
  return { ok: false, why: `${missing.join(', ')} missing (${install}; .ci/run does this)` };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function cephConf(dir: string, fsid: string, ports: { v2: number; v1: number; rgw: number }): string {
  return `[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${ports.v2},v1:127.0.0.1:${ports.v1}]
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms client mode = crc
client mount timeout = 60
public addr = 127.0.0.1
cluster addr = 127.0.0.1
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
osd crush chooseleaf type = 0
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
pid file = ${dir}/run/$name.pid
[mon]
mon data = ${dir}/mon.$id
[osd]
osd data = ${dir}/osd.$id
osd objectstore = memstore
memstore device bytes = 17179869184
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${ports.rgw}
rgw data = ${dir}/rgw
rgw gc obj min wait = 60
`;
}

const pidOf = (dir: string, daemon: string): number | undefined => {
  try {
    return Number(fs.readFileSync(path.join(dir, 'run', `${daemon}.pid`), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};

// Running, not a zombie (stopped daemons may stay as zombies here: PID 1 does not reap them).
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function stopDaemon(dir: string, daemon: string, graceMs: number): Promise<void> {
  const pid = pidOf(dir, daemon);
  if (!pid || !isRunning(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (const deadline = Date.now() + graceMs; Date.now() < deadline && isRunning(pid);) await sleep(100);
  if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  for (const deadline = Date.now() + 5000; Date.now() < deadline && isRunning(pid);) await sleep(50);
}

const logTail = (dir: string, daemon: string) => {
  try {
    return fs
      .readFileSync(path.join(dir, 'log', `${daemon}.log`), 'utf8')
      .trim()
      .split('\n')
      .slice(-5)
      .join(' | ');
  } catch {
    return '(no log)';
  }
};

async function run(dir: string, cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await execa(cmd, args, { cwd: dir, reject: false, timeout: timeoutMs });
  if (r.exitCode === 0) return r.stdout.trim();
  const output = `${r.stderr}\n${r.stdout}`.trim().slice(-500);
  const exit = `exit ${r.exitCode}${r.timedOut ? ', timed out' : ''}`;
  throw new Error(`${cmd} ${args.join(' ')} failed (${exit}): ${output}`);
}

async function waitForGateway(dir: string, endpoint: string, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const ok = await fetch(`${endpoint}/`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    const pid = pidOf(dir, 'client.rgw');
    if (pid && !isRunning(pid)) throw new Error(`radosgw exited while starting: ${logTail(dir, 'client.rgw')}`);
    await sleep(250);
  }
  throw new Error(`radosgw did not answer on ${endpoint} within ${timeoutMs / 1000} s: ${logTail(dir, 'client.rgw')}`);
}

// Bring a cluster up in `directory` and return it once the S3 endpoint answers.
export async function startRgw(options: { directory: string; timeoutMs?: number }): Promise<RgwServer> {
  const dir = path.resolve(options.directory);
  for (const d of ['run', 'log', 'mon.a', 'osd.0', 'rgw']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const fsid = crypto.randomUUID();
  const ports = { v2: await freePort(), v1: await freePort(), rgw: await freePort() };
  const conf = path.join(dir, 'ceph.conf');
  fs.writeFileSync(conf, cephConf(dir, fsid, ports));
  const endpoint = `http://127.0.0.1:${ports.rgw}`;
  const server = handle(dir, conf, endpoint, ports.rgw, options.timeoutMs ?? 120_000);
  try {
    await run(dir, 'ceph-authtool', [
      '--create-keyring',
      'keyring',
      '--gen-key',
      '-n',
      'mon.',
      '--cap',
      'mon',
      'allow *',
    ]);
    await run(dir, 'monmaptool', [
      '--create',
      '--fsid',
      fsid,
      '--addv',
      'a',
      `[v2:127.0.0.1:${ports.v2},v1:127.0.0.1:${ports.v1}]`,
      'monmap',
    ]);
    await run(dir, 'ceph-mon', ['--mkfs', '-i', 'a', '-c', conf, '--monmap', 'monmap', '--keyring', 'keyring']);
    await run(dir, 'ceph-mon', ['-i', 'a', '-c', conf]);
    const uuid = crypto.randomUUID();
    const id = await run(dir, 'ceph', ['-c', conf, 'osd', 'new', uuid]);
    await run(dir, 'ceph-osd', ['-i', id, '-c', conf, '--mkfs', '--osd-uuid', uuid]);
    await run(dir, 'ceph-osd', ['-i', id, '-c', conf]);
    await server.startGateway();
    await run(dir, 'radosgw-admin', [
      '-c',
      conf,
      'user',
      'create',
      '--uid',
      'tgsync',
      '--display-name',
      'telegram-sync tests',
      '--access-key',
      server.accessKey,
      '--secret-key',
      server.secretKey,
    ]);
    return server;
  } catch (e) {
    await server.close();
    throw e;
  }
}

function handle(dir: string, conf: string, endpoint: string, port: number, timeoutMs: number): RgwServer {
  const accessKey = `TGSYNC${crypto.randomBytes(7).toString('hex').toUpperCase()}`;
  const secretKey = crypto.randomBytes(24).toString('base64url');
  const killAll = () => {
    for (const d of DAEMONS) {
      const pid = pidOf(dir, d);
      if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  };
  process.once('exit', killAll); // a test process that dies must not leave a cluster behind
  return {
    endpoint,
    port,
    accessKey,
    secretKey,
    directory: dir,
    stopGateway: () => stopDaemon(dir, 'client.rgw', 10_000),
    async startGateway() {
      await run(dir, 'radosgw', ['-n', 'client.rgw', '-c', conf]);
      await waitForGateway(dir, endpoint, timeoutMs);
    },
    running: () => DAEMONS.map((d) => pidOf(dir, d)).filter((p): p is number => p !== undefined && isRunning(p)),
    async close() {
      process.removeListener('exit', killAll);
      for (const d of DAEMONS) await stopDaemon(dir, d, d === 'client.rgw' ? 10_000 : 5_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
