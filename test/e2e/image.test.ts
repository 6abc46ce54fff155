// The project's Docker image, built (Dockerfile) and run on the real Docker engine the stack test
// also uses, against both servers: a downloader container writes files the way tdl does (`.tmp`,
// then a rename), the image's watch puts each completed file in the bucket, its health check turns
// healthy, then unhealthy while the S3 server is stopped, and `docker stop` ends it with exit 0
// and a run record. No registry is reachable here: the image is built from a base imported
// locally (test/support/image.ts says how), offline.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { readRunRecords } from '../../lib/report/records.ts';
import { listBucket, tempDir, waitFor, type Sandbox } from '../support/env.ts';
import { buildImage, IMAGE } from '../support/image.ts';
import { needing } from '../support/requires.ts';
import { eachServer } from '../support/servers.ts';
import { docker, ensureHostImage, freePort, HOST_IMAGE, HOST_MOUNTS, startDockerEngine } from '../support/stack.ts';

const engine = await startDockerEngine();
let built: Promise<{ size: number }> | undefined;

const healthOf = async (name: string) =>
  (await docker(['inspect', '--format', '{{.State.Health.Status}}', name])).stdout.trim();

// The downloader: a container that writes a file as `.tmp` and renames it, printing when (ms).
async function download(dir: string, rel: string, bytes: number): Promise<number> {
  const script =
    `mkdir -p "$(dirname /downloads/${rel})" && head -c ${bytes} /dev/urandom > /downloads/${rel}.tmp && ` +
    `sleep 1 && mv /downloads/${rel}.tmp /downloads/${rel} && date +%s%3N`;
  const args = ['run', '--rm', '--network', 'none', ...HOST_MOUNTS, '-v', `${dir}:/downloads`, HOST_IMAGE];
  const r = await docker([...args, '/bin/sh', '-c', script]);
  return Number(r.stdout.trim());
}

eachServer('the Docker image', ({ test, it: itServer, server, sandboxEach }) => {
  const it = engine.ok ? itServer : needing(test, 'the Docker engine', engine);
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  // And: healthy, unhealthy without S3, healthy again; a run record after the stop.
  it('built offline; a renamed download in the bucket; health; docker stop exits 0', async () => {
    // The engine is the stack test's too (test/e2e/stack.test.ts stops it when it is done): up again
    // here if something stopped it since this file was loaded.
    const up = await startDockerEngine();
    if (!up.ok) throw new Error(up.why);
    built ??= buildImage();
    const { size } = await built;
    console.log(`  image ${IMAGE}: ${(size / 1e6).toFixed(1)} MB`);
    await ensureHostImage();
    const name = `tgsync-image-${server().name}`;
    const state = tempDir('image-state');
    fs.chownSync(state, 10001, 10001);
    const port = await freePort();
    const env = {
      MINIO_ENDPOINT: sb.env.MINIO_ENDPOINT!,
      MINIO_ACCESS_KEY: sb.env.MINIO_ACCESS_KEY!,
      MINIO_SECRET_KEY: sb.env.MINIO_SECRET_KEY!,
      MINIO_BUCKET: sb.env.MINIO_BUCKET!,
      SYNC_STABLE_SECONDS: '1',
      SYNC_METRICS_LISTEN: `127.0.0.1:${port}`,
      SYNC_CONTAINERS: '',
      DJANGO_CONTAINER: '',
      SYNC_STOP_TIMEOUT_SECONDS: '5',
      SYNC_RETRIES: '1',
    };
    const healthFlags = ['--health-interval', '1s', '--health-retries', '1', '--health-start-period', '0s'];
    await docker(['rm', '-f', name], { reject: false });
    await docker([
      ...['run', '-d', '--name', name, '--network', 'host', ...healthFlags],
      ...['-v', `${sb.downloads}:/downloads:ro`, '-v', `${state}:/state`],
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      IMAGE,
    ]);
    try {
      await waitFor('healthy', async () => (await healthOf(name)) === 'healthy', 60_000);
      const renamedAt = await download(sb.downloads, 'chan/video.mp4', 300_000);
      // (What the downloads became: the upload probe's own object is left out.)
      const keys = async () =>
        (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key).filter((k) => k.startsWith('chan/'));
      await waitFor('the object', async () => (await keys()).includes('chan/video.mp4'), 60_000);
      console.log(`  rename → object in the bucket (${server().name}): ${Date.now() - renamedAt} ms`);
      assert.equal(await keys(), ['chan/video.mp4'], 'the .tmp never');
      const video = (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).find((o) => o.key === 'chan/video.mp4');
      assert.is(video?.size, 300_000, 'the whole file, not half of it');

      await server().stopEndpoint();
      try {
        await download(sb.downloads, 'chan/photo.jpg', 5_000);
        await waitFor('unhealthy', async () => (await healthOf(name)) === 'unhealthy', 60_000);
      } finally {
        await server().startEndpoint();
      }
      await waitFor('the retry sends it', async () => (await keys()).includes('chan/photo.jpg'), 90_000);
      await waitFor('healthy again', async () => (await healthOf(name)) === 'healthy', 60_000);

      await docker(['stop', '-t', '20', name]);
      const exit = (await docker(['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim();
      assert.is(exit, '0', (await docker(['logs', name], { reject: false })).stderr.slice(-2000));
      const records = readRunRecords(path.join(state, 'logs'));
      assert.ok(records.length > 0, 'run records in the state volume');
      assert.is(records.at(-1)?.status, 'ok');
      assert.not.ok(fs.existsSync(path.join(state, 'sync.lock')), 'the lock is released');
    } finally {
      await docker(['rm', '-f', name], { reject: false });
    }
  });
});
