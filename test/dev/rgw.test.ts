// lib/dev/rgw.ts: a throwaway Ceph cluster of its own (not the shared one): it comes up, serves
// S3 with its generated keys, its gateway can be stopped and started, and closing it leaves no
// daemon running (checked with ps).
import crypto from 'node:crypto';
import { execa } from 'execa';
import * as Minio from 'minio';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isRunning, rgwInstalled, startRgw, type RgwServer } from '../../lib/dev/rgw.ts';
import { tempDir } from '../support/env.ts';
import { needing } from '../support/requires.ts';

const test = suite('Ceph RGW lifecycle');
const it = needing(test, 'Ceph RGW', rgwInstalled());
let cluster: RgwServer | undefined;
let pids: number[] = [];

test.after(async () => {
  await cluster?.close();
  if (!pids.length) return;
  const ps = await execa('ps', ['-eo', 'pid=,stat=,comm=']);
  const alive = ps.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, stat]) => pids.includes(Number(pid)) && !stat!.startsWith('Z'));
  assert.equal(alive, [], `daemons left running after close: ${JSON.stringify(alive)}`);
});

it('comes up, serves S3 with its generated keys, restarts its gateway, and closes by its pid files', async () => {
  cluster = await startRgw({ directory: tempDir('rgw-own') });
  pids = cluster.running();
  assert.is(pids.length, 3, 'mon, osd and radosgw run');
  const client = new Minio.Client({
    endPoint: '127.0.0.1',
    port: cluster.port,
    useSSL: false,
    accessKey: cluster.accessKey,
    secretKey: cluster.secretKey,
    pathStyle: true,
  });
  await client.makeBucket('lifecycle');
  const body = crypto.randomBytes(1000);
  await client.putObject('lifecycle', 'x.bin', body);
  const st = await client.statObject('lifecycle', 'x.bin');
  assert.is(st.size, 1000);
  assert.is(
    st.etag,
    crypto.createHash('md5').update(body).digest('hex'),
    'a real ETag: the MD5 of a single-part object',
  );
  await cluster.stopGateway();
  assert.is(
    await fetch(cluster.endpoint).then(
      () => 'answered',
      () => 'refused',
    ),
    'refused',
  );
  await cluster.startGateway();
  assert.is((await client.statObject('lifecycle', 'x.bin')).size, 1000, 'data kept across a gateway restart');
  pids = [...new Set([...pids, ...cluster.running()])];
  const dir = cluster.directory;
  await cluster.close();
  cluster = undefined;
  assert.equal(pids.filter(isRunning), []);
  assert.not.ok((await import('node:fs')).existsSync(dir), 'its folder is removed');
});

test.run();
