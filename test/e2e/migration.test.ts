// Taking over the old system's bucket (issue 11), on both servers: a bucket filled by other
// clients (boto3 as the AWS CLI cuts parts, boto3 with minio-py's 5 MiB parts, minio-js with its
// defaults), without our sha256. What crosses the network is counted by a TCP proxy between the
// sync and the server, not taken from our own summary.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { HashCache } from '../../lib/sync/cache/cache.ts';
import {
  listBucket,
  PROJECT_ROOT,
  runScript,
  syncOnce,
  tempDir,
  TSX_LOADER,
  writeFile,
  type Sandbox,
  untilPrinted,
} from '../support/env.ts';
import { boto3Installed, uploadWithBoto3 } from '../support/other-clients.ts';
import { objectBytesSent, startFaultProxy, type FaultProxy } from '../support/proxy.ts';
import { needing } from '../support/requires.ts';
import { eachServer } from '../support/servers.ts';

const MIB = 1024 * 1024;
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const boto3 = boto3Installed();

// The downloads as the old system left them, and what it put in the bucket.
const TREE = {
  photo: {
    rel: 'chan one/photo 1.jpg',
    key: 'chan_one/photo_1.jpg',
    bytes: crypto.randomBytes(300_000),
    by: 'minio-js',
  },
  video: {
    rel: 'chan one/video.mp4',
    key: 'chan_one/video.mp4',
    bytes: crypto.randomBytes(21 * MIB + 3),
    by: 'boto3 8 MiB',
  },
  clip: {
    rel: 'chan two/clip.mp4',
    key: 'chan_two/clip.mp4',
    bytes: crypto.randomBytes(12 * MIB + 1),
    by: 'boto3 5 MiB',
  },
  voice: { rel: 'chan two/voice.ogg', key: 'chan_two/voice.ogg', bytes: crypto.randomBytes(70_000), by: 'minio-js' },
  fresh: {
    rel: 'chan two/new file.txt',
    key: 'chan_two/new_file.txt',
    bytes: Buffer.from('downloaded after the switch'),
    by: 'none',
  },
} as const;
type Name = keyof typeof TREE;

eachServer("taking over the old system's bucket", ({ it, test, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));
  const itB = boto3.ok ? it : needing(test, 'python3-boto3', boto3);

  // Write the tree; fill the bucket as the old system did. voice.ogg holds other bytes of the
  // same size there (a file that changed on disk since); the new file is not there at all.
  async function prefill(): Promise<void> {
    const client = sb.client();
    const bucket = sb.env.MINIO_BUCKET!;
    await client.makeBucket(bucket);
    const stage = tempDir('old');
    const boto = (partMib: number, names: Name[]) =>
      uploadWithBoto3(
        { endpoint: sb.server.endpoint, accessKey: sb.server.accessKey!, secretKey: sb.server.secretKey!, bucket },
        names.map((n) => [writeFile(stage, n, TREE[n].bytes), TREE[n].key] as const),
        partMib,
      );
    for (const [name, f] of Object.entries(TREE)) {
      writeFile(sb.downloads, f.rel, f.bytes);
      if (f.by === 'minio-js') {
        const inBucket = name === 'voice' ? crypto.randomBytes(f.bytes.length) : f.bytes;
        await client.putObject(bucket, f.key, inBucket, inBucket.length);
      }
    }
    await boto(8, ['video']);
    await boto(5, ['clip']);
  }

  async function withProxy<T>(fn: (proxy: FaultProxy) => Promise<T>): Promise<T> {
    const proxy = await startFaultProxy(server(), () => 'pass');
    try {
      return await fn(proxy);
    } finally {
      await proxy.close();
    }
  }

  // And: the objects proven by their ETag get no request and nothing written to them.
  itB(
    'the first sync sends only what is new or different: the rest is proven by its listed ETag; a rerun is a no-op',
    async () => {
      await prefill();
      const etags = new Map<string, string>();
      for (const f of Object.values(TREE))
        if (f.by !== 'none') etags.set(f.key, (await sb.client().statObject(sb.env.MINIO_BUCKET!, f.key)).etag);
      if (server().name === 'rgw')
        assert.match(etags.get(TREE.video.key)!, /-3$/, 'a real multipart ETag (3 parts of 8 MiB)');

      await withProxy(async (proxy) => {
        const { summary } = await syncOnce(sb.config({ MINIO_ENDPOINT: proxy.endpoint }));
        assert.is(summary.status, 'ok');
        assert.equal([summary.adopted, summary.metadataAdded], [3, 0], 'photo, video and clip adopted as they are');
        assert.is(summary.uploaded, 2, 'voice.ogg (other bytes in the bucket) and the new file');
        assert.is(
          objectBytesSent(proxy),
          TREE.voice.bytes.length + TREE.fresh.bytes.length,
          'no byte of the adopted objects crossed the network',
        );
        // The single-part photo and the multipart video (8 MiB parts) and clip (5 MiB parts): proven
        // by the listing's ETag in the read that hashed each file; no HEAD, no copy.
        for (const name of ['photo', 'video', 'clip'] as const) {
          const asked = proxy.seen.filter(
            (x) => x.line.includes(encodeURI(TREE[name].key)) && !/^GET \S*\?/.test(x.line),
          );
          assert.equal(
            asked.map((x) => x.line),
            [],
            `${name}: nothing asked of its object`,
          );
        }
      });
      const after = await listBucket(sb.client(), sb.env.MINIO_BUCKET!);
      for (const f of Object.values(TREE)) {
        const o = after.find((x) => x.key === f.key);
        const ours = f.by === 'none' || f.rel === TREE.voice.rel;
        assert.is(o?.sha256, ours ? sha(f.bytes) : undefined, `${f.key}: our sha256 only on what we uploaded`);
      }
      for (const name of ['photo', 'video', 'clip'] as const) {
        assert.is(
          (await sb.client().statObject(sb.env.MINIO_BUCKET!, TREE[name].key)).etag,
          etags.get(TREE[name].key),
          `${name}: same bytes (ETag unchanged)`,
        );
      }
      const cache = HashCache.open(sb.env.SYNC_CACHE_FILE!);
      assert.is(cache.get(path.join(sb.downloads, TREE.video.rel))?.via, 'adopted');

      await withProxy(async (proxy) => {
        const again = await syncOnce(sb.config({ MINIO_ENDPOINT: proxy.endpoint }));
        assert.is(again.summary.skipped.unchanged, 5);
        assert.equal(
          proxy.seen.filter((s) => /^(PUT|POST|DELETE) /.test(s.line)).map((s) => s.line),
          [],
          'the rerun writes nothing',
        );
      });
    },
  );

  itB('--dry-run first: a migration report (adopt, upload, bytes to send), and nothing changes', async () => {
    await prefill();
    const r = await runScript('sync.ts', ['--dry-run', '--json'], sb.env);
    assert.is(r.exitCode, 0, r.all);
    const s = JSON.parse(r.stdout) as {
      wouldAdopt: number;
      wouldUpload: number;
      wouldCopy: number;
      bytesToSend: number;
    };
    assert.equal([s.wouldAdopt, s.wouldUpload, s.wouldCopy], [3, 2, 0]);
    assert.is(s.bytesToSend, TREE.voice.bytes.length + TREE.fresh.bytes.length);
    const human = await runScript('sync.ts', ['--dry-run'], sb.env);
    assert.match(
      human.stdout,
      /would upload 2 \([\d.]+ KiB\), copy 0 on the server, deduplicate 0, adopt 3 already in the bucket/,
    );
    for (const o of await listBucket(sb.client(), sb.env.MINIO_BUCKET!))
      assert.is(o.sha256, undefined, `${o.key} untouched`);
    assert.not.ok(fs.existsSync(sb.env.SYNC_CACHE_FILE!));
  });

  itB(
    'a new prefix copies every object on the server (old keys stay); --prune-old-keys removes them only after each copy is verified',
    async () => {
      await prefill();
      await syncOnce(sb.config());
      await withProxy(async (proxy) => {
        const { summary } = await syncOnce(sb.config({ MINIO_ENDPOINT: proxy.endpoint, MINIO_PREFIX: 'telegram' }));
        assert.equal([summary.status, summary.copied, summary.uploaded], ['ok', 5, 0]);
        assert.is(objectBytesSent(proxy), 0);
      });
      const keys = (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key);
      for (const f of Object.values(TREE)) assert.ok(keys.includes(f.key) && keys.includes(`telegram/${f.key}`), f.key);
      const { summary } = await syncOnce(sb.config({ MINIO_PREFIX: 'archive' }));
      assert.is(summary.copied, 5);
      const pruned = await runScript('sync.ts', ['--prune-old-keys', '--json'], { ...sb.env, MINIO_PREFIX: 'final' });
      assert.is(pruned.exitCode, 0, pruned.all);
      const p = JSON.parse(pruned.stdout) as { copied: number; keysPruned: number };
      assert.equal([p.copied, p.keysPruned], [5, 5]);
      const objects = await listBucket(sb.client(), sb.env.MINIO_BUCKET!);
      const final = objects.map((o) => o.key);
      for (const f of Object.values(TREE)) {
        assert.not.ok(final.includes(`archive/${f.key}`), `archive/${f.key} removed (copied to final/ first)`);
        assert.is(objects.find((o) => o.key === `final/${f.key}`)?.sha256, sha(f.bytes));
        assert.ok(
          final.includes(`telegram/${f.key}`) && final.includes(f.key),
          'keys the cache no longer pointed at are never removed',
        );
      }
    },
  );

  itB("a second download directory keeps the first one's keys; name=/path puts its files under name/", async () => {
    await prefill();
    await syncOnce(sb.config());
    const second = tempDir('dl2');
    writeFile(second, 'other.txt', 'from the second downloader');
    const { summary } = await syncOnce(sb.config({ SYNC_DOWNLOAD_DIRS: `${sb.downloads},daemon=${second}` }));
    assert.equal([summary.uploaded, summary.copied, summary.skipped.unchanged], [1, 0, 5]);
    assert.ok((await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).some((o) => o.key === 'daemon/other.txt'));
  });

  itB(
    'the old cache: a file the old command skipped as a copy is recorded as a dedup of the object it pointed at; a bad file is exit 2',
    async () => {
      await prefill();
      // The old command saw "photo 1.jpg" under its first name, deleted since, and skipped the copy.
      const bucket = sb.env.MINIO_BUCKET!;
      await sb.client().copyObject(bucket, 'chan_one/first_name.jpg', `/${bucket}/${TREE.photo.key}`);
      await sb.client().removeObject(bucket, TREE.photo.key);
      const oldCache = writeFile(
        sb.dir,
        'old/file_hashes.json',
        JSON.stringify({
          '/usr/share/Telegram-Files/chan one/first name.jpg': sha(TREE.photo.bytes),
          [`/usr/share/Telegram-Files/${TREE.photo.rel}`]: sha(TREE.photo.bytes),
        }),
      );
      const bad = writeFile(sb.dir, 'old/bad.json', '["not", "the old cache"]');
      const refused = await runScript('sync.ts', ['--import-legacy-cache', bad], sb.env);
      assert.is(refused.exitCode, EXIT_CODES.config);
      assert.match(
        refused.stderr,
        /--import-legacy-cache: expected the cache of the old sync_telegram_files command: a JSON object mapping file paths to SHA-256 hex strings; got an array/,
      );
      await withProxy(async (proxy) => {
        const r = await runScript('sync.ts', ['--import-legacy-cache', oldCache, '--json'], {
          ...sb.env,
          MINIO_ENDPOINT: proxy.endpoint,
        });
        assert.is(r.exitCode, 0, r.all);
        const s = JSON.parse(r.stdout) as { deduplicated: number; metadataAdded: number };
        assert.is(s.deduplicated, 1);
        assert.is(
          objectBytesSent(proxy),
          TREE.voice.bytes.length + TREE.fresh.bytes.length,
          'photo not sent: the object the old cache pointed at holds it',
        );
      });
      const entry = HashCache.open(sb.env.SYNC_CACHE_FILE!).get(path.join(sb.downloads, TREE.photo.rel));
      assert.equal([entry?.via, entry?.key], ['dedup', 'chan_one/first_name.jpg']);
    },
  );

  // And: and no request per object; nothing recorded is redone.
  it('kill -9 in the middle of a migration: the next run finishes it with no byte sent', async () => {
    const N = 2000;
    const client = sb.client();
    await client.makeBucket(sb.env.MINIO_BUCKET!);
    const name = (i: number) => String(i).padStart(4, '0');
    for (let from = 0; from < N; from += 25) {
      const batch = Array.from({ length: Math.min(25, N - from) }, (_, j) => from + j);
      await Promise.all(
        batch.map((i) => {
          const body = Buffer.from(`old object ${i} `.repeat(50));
          writeFile(sb.downloads, `chan/file ${name(i)}.bin`, body);
          return client.putObject(sb.env.MINIO_BUCKET!, `chan/file_${name(i)}.bin`, body, body.length);
        }),
      );
    }
    const child = execa(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, 'scripts/sync.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...sb.env, SYNC_CONCURRENCY: '1', SYNC_CHECKERS: '1' },
      extendEnv: false,
      reject: false,
    });
    await untilPrinted(child, /upload\.adopted/, 15);
    child.kill('SIGKILL');
    assert.is((await child).signal, 'SIGKILL', 'killed mid-run');
    const recorded = HashCache.open(sb.env.SYNC_CACHE_FILE!).size;
    assert.ok(recorded >= 15 && recorded < N, `journal kept ${recorded} entries`);
    await withProxy(async (proxy) => {
      const r = await runScript('sync.ts', ['--json'], { ...sb.env, MINIO_ENDPOINT: proxy.endpoint });
      assert.is(r.exitCode, 0, r.all);
      const s = JSON.parse(r.stdout) as {
        adopted: number;
        metadataAdded: number;
        uploaded: number;
        skipped: Record<string, number>;
      };
      assert.is(s.skipped.unchanged, recorded, 'every adoption recorded before the kill is recognised from stat alone');
      assert.equal([s.uploaded, s.adopted, s.metadataAdded], [0, N - recorded, 0]);
      assert.is(objectBytesSent(proxy), 0);
      const perObject = proxy.seen.filter((x) => !/^GET \S*\?/.test(x.line) && /chan\/file_/.test(x.line));
      assert.equal(perObject.length, 0, 'no HEAD, GET or copy of any object: the listing proved them');
    });
    const objects = await listBucket(sb.client(), sb.env.MINIO_BUCKET!);
    assert.is(objects.length, N);
    assert.ok(
      objects.every((o) => o.sha256 === undefined),
      'the old objects are left as they were',
    );
  });
});
