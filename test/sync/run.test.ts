// Integration: the real sync against a real s3rver on 127.0.0.1; asserts on bucket and cache both.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { readRunRecords } from '../../lib/report/records.ts';
import { decodeMetadataValue } from '../../lib/storage/metadata.ts';
import { contentReader } from '../../lib/sync/transfer/hash.ts';
import { createMemoryLogger, type LogEntry, type Logger } from '../../lib/log/logger.ts';
import { listBucket, readCache, syncOnce, tempDir, writeFile, type Sandbox } from '../support/env.ts';
import { startFaultProxy } from '../support/proxy.ts';
import { eachServer } from '../support/servers.ts';

const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');

eachServer('sync', ({ it: test, server, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  test('first run uploads every complete file with the right keys and metadata; rerun uploads nothing', async () => {
    writeFile(sb.downloads, 'News Channel/1_10_holiday photo.jpg', 'jpeg-bytes');
    writeFile(sb.downloads, 'Café/2_11_résumé final.pdf'.normalize('NFD'), 'pdf-bytes');
    writeFile(sb.downloads, 'top level.txt', 'text');
    const config = sb.config();
    const first = await syncOnce(config);
    assert.is(first.summary.status, 'ok');
    assert.is(first.summary.uploaded, 3);
    const objects = await listBucket(sb.client(), config.storage.bucket);
    assert.equal(
      objects.map((o) => o.key),
      ['Café/2_11_résumé_final.pdf'.normalize('NFC'), 'News_Channel/1_10_holiday_photo.jpg', 'top_level.txt'].sort(),
    );
    const photo = objects.find((o) => o.key === 'News_Channel/1_10_holiday_photo.jpg')!;
    assert.is(photo.size, 10);
    assert.is(photo.sha256, sha('jpeg-bytes'));
    assert.is(decodeMetadataValue(photo.metadata['original-name']!), 'News Channel/1_10_holiday photo.jpg');
    assert.is(photo.metadata['content-type'], 'image/jpeg');
    assert.ok(photo.metadata['source-mtime']);
    const cache = readCache(config);
    assert.is(cache.size, 3);
    assert.is(cache.get(path.join(sb.downloads, 'top level.txt'))?.key, 'top_level.txt');

    const destination = `${sb.env.MINIO_ENDPOINT}/${config.storage.bucket}`;
    assert.is(readRunRecords(config.logDir).at(-1)?.destination, destination, 'the record names where it wrote');

    const second = await syncOnce(config);
    assert.is(second.summary.uploaded, 0);
    assert.is(second.summary.skipped.unchanged, 3);
    const after = await listBucket(sb.client(), config.storage.bucket);
    assert.equal(
      after.map((o) => o.lastModified.getTime()),
      objects.map((o) => o.lastModified.getTime()),
    );
  });

  test('a changed file is uploaded again; a touched but unchanged file is not (and is not re-read twice)', async () => {
    const a = writeFile(sb.downloads, 'a.txt', 'version 1');
    const b = writeFile(sb.downloads, 'b.txt', 'same forever');
    const config = sb.config();
    await syncOnce(config);
    fs.writeFileSync(a, 'version 2, longer');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(b, later, later);
    const hashed: string[] = [];
    const counting = (f: { fsPath: string | Buffer; size: number }) => (
      hashed.push(String(f.fsPath)),
      contentReader(16 * 1024 * 1024)(f)
    );
    const { summary } = await syncOnce(config, { deps: { read: counting } });
    assert.is(summary.uploaded, 1);
    assert.equal(
      summary.uploadedObjects.map((o) => o.key),
      ['a.txt'],
    );
    assert.is(summary.skipped['unchanged-content'], 1);
    assert.equal(hashed.sort(), [a, b]);
    const objects = await listBucket(sb.client(), config.storage.bucket);
    assert.is(objects.find((o) => o.key === 'a.txt')?.sha256, sha('version 2, longer'));
    assert.is(readCache(config).get(a)?.sha256, sha('version 2, longer'));
    assert.is(readCache(config).get(b)?.mtimeMs, fs.statSync(b).mtimeMs);
    const third = await syncOnce(config, { deps: { read: counting } });
    assert.is(third.summary.skipped.unchanged, 2);
    assert.is(hashed.length, 2, 'third run read no file');
  });

  test('partial suffixes and hidden files are skipped; a growing file waits until it settles', async () => {
    writeFile(sb.downloads, 'tdl/123_45_video.mp4.tmp', 'half');
    writeFile(sb.downloads, 'tdd/clip.mp4.tdd', 'half');
    writeFile(sb.downloads, 'tg/file.part', 'half');
    writeFile(sb.downloads, '.hidden/secret.txt', 'x');
    writeFile(sb.downloads, '.DS_Store', 'x');
    const growing = writeFile(sb.downloads, 'telethon/-100123/video/movie.mkv', 'first chunk');
    const config = sb.config({ SYNC_STABLE_SECONDS: '60' });
    const first = await syncOnce(config);
    assert.is(first.summary.uploaded, 0);
    assert.is(first.summary.skipped.partial, 3);
    assert.is(first.summary.skipped.hidden, 2);
    assert.is(first.summary.skipped.unstable, 1);
    assert.equal(await listBucket(sb.client(), config.storage.bucket), []);
    assert.is(readCache(config).size, 0);

    fs.appendFileSync(growing, ' second chunk');
    const settled = await syncOnce(config, { deps: { now: () => new Date(Date.now() + 61_000) } });
    assert.is(settled.summary.uploaded, 1);
    const objects = await listBucket(sb.client(), config.storage.bucket);
    assert.equal(
      objects.map((o) => [o.key, o.size]),
      [['telethon/-100123/video/movie.mkv', 'first chunk second chunk'.length]],
    );
  });

  test('two files mapping to one key are a conflict: neither is uploaded, nothing overwritten', async () => {
    writeFile(sb.downloads, 'chan/my file.txt', 'with space');
    writeFile(sb.downloads, 'chan/my_file.txt', 'with underscore');
    writeFile(sb.downloads, 'chan/other.txt', 'fine');
    const config = sb.config();
    const { summary, log } = await syncOnce(config);
    assert.is(summary.conflicts, 2);
    assert.is(summary.status, 'partial');
    assert.equal(
      (await listBucket(sb.client(), config.storage.bucket)).map((o) => o.key),
      ['chan/other.txt'],
    );
    assert.ok(log.records.some((r) => r.kind === 'plan.conflict' && r.msg.includes('chan/my_file.txt')));

    // Once one of them owns the key (the other moved away), a newcomer does not take it over.
    fs.renameSync(path.join(sb.downloads, 'chan/my_file.txt'), path.join(sb.downloads, 'elsewhere.txt'));
    await syncOnce(config);
    writeFile(sb.downloads, 'chan/my_file.txt', 'a third content');
    const third = await syncOnce(config);
    assert.is(third.summary.conflicts, 1);
    assert.ok(
      third.log.records.some(
        (r) =>
          r.kind === 'plan.conflict' &&
          /my_file\.txt maps to chan\/my_file\.txt, which holds .*my file\.txt: not uploaded/.test(r.msg),
      ),
      'says which file keeps the key',
    );
    assert.not.ok(third.log.records.some((r) => r.kind === 'plan.conflict' && r.msg.includes('neither')));
    assert.equal(
      third.summary.problems.filter((p) => p.kind === 'conflict').map((p) => path.basename(p.path)),
      ['my_file.txt'],
    );
    const obj = (await listBucket(sb.client(), config.storage.bucket)).find((o) => o.key === 'chan/my_file.txt');
    assert.is(obj?.sha256, sha('with space'));
  });

  test('duplicate content is uploaded once, and the dedup is recorded', async () => {
    writeFile(sb.downloads, 'chan/photo.jpg', 'identical');
    writeFile(sb.downloads, 'chan/photo-Ab3dEf9x.jpg', 'identical');
    writeFile(sb.downloads, 'other/photo copy.jpg', 'identical');
    const config = sb.config();
    const { summary, log } = await syncOnce(config);
    assert.is(summary.uploaded, 1);
    assert.is(summary.deduplicated, 2);
    assert.is((await listBucket(sb.client(), config.storage.bucket)).length, 1);
    const cache = readCache(config);
    assert.is(cache.size, 3);
    assert.is(new Set([...cache.entries()].map((e) => e.key)).size, 1);
    assert.is(log.records.filter((r) => r.kind === 'upload.dedup').length, 2);
    const again = await syncOnce(config);
    assert.is(again.summary.uploaded + again.summary.deduplicated, 0);
  });

  test('the copy the download daemon made (-a1B2c3D4) is not the name the bucket keeps, whatever sorts first', async () => {
    writeFile(sb.downloads, 'daemon/Song name.mp3', 'same song');
    writeFile(sb.downloads, 'daemon/Song name-a1B2c3D4.mp3', 'same song');
    const { summary } = await syncOnce(sb.config());
    assert.equal(
      summary.uploadedObjects.map((o) => o.key),
      ['daemon/Song_name.mp3'],
    );
    assert.is(summary.deduplicated, 1);
    assert.equal(
      (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key),
      ['daemon/Song_name.mp3'],
    );
  });

  test('--force sends duplicate content once too (the copies are recorded as dedups)', async () => {
    for (const n of ['a.bin', 'b.bin', 'c.bin']) writeFile(sb.downloads, n, 'identical bytes');
    writeFile(sb.downloads, 'd.bin', 'other bytes');
    const config = sb.config();
    await syncOnce(config);
    const forced = await syncOnce(config, { force: true });
    assert.is(forced.summary.uploaded, 2);
    assert.is(forced.summary.deduplicated, 2);
    assert.equal(forced.summary.uploadedObjects.map((o) => o.key).sort(), ['a.bin', 'd.bin']);
  });

  test('a dry run reports the decisions the real run then takes', async () => {
    for (let i = 0; i < 39; i++) writeFile(sb.downloads, `chan/${i}.txt`, `file ${i}`);
    writeFile(sb.downloads, 'chan/39-Ab3dEf9x.txt', 'file 7');
    const config = sb.config();
    const dry = await syncOnce(config, { dryRun: true });
    const real = await syncOnce(config);
    assert.equal([dry.summary.wouldUpload, dry.summary.deduplicated], [39, 1]);
    assert.equal(
      [real.summary.uploaded, real.summary.deduplicated],
      [dry.summary.wouldUpload, dry.summary.deduplicated],
    );
  });

  test('a changed MINIO_PREFIX copies each object to its new key on the server (no upload); the old objects stay', async () => {
    writeFile(sb.downloads, 'chan/a.txt', 'a');
    await syncOnce(sb.config({ MINIO_PREFIX: 'old' }));
    const { summary } = await syncOnce(sb.config({ MINIO_PREFIX: 'new' }));
    assert.is(summary.uploaded, 0);
    assert.is(summary.copied, 1);
    assert.is(summary.status, 'ok');
    const objects = await listBucket(sb.client(), sb.env.MINIO_BUCKET!);
    assert.equal(
      objects.map((o) => o.key),
      ['new/chan/a.txt', 'old/chan/a.txt'],
    );
    assert.is(objects[0]!.sha256, sha('a'), 'the copy carries our metadata');
    assert.is(readCache(sb.config()).get(path.join(sb.downloads, 'chan/a.txt'))?.key, 'new/chan/a.txt');
    const again = await syncOnce(sb.config({ MINIO_PREFIX: 'new' }));
    assert.is(again.summary.skipped.unchanged, 1);
  });

  test('--force re-uploads everything', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    writeFile(sb.downloads, 'b.txt', 'b');
    const config = sb.config();
    await syncOnce(config);
    const before = await listBucket(sb.client(), config.storage.bucket);
    await new Promise((r) => setTimeout(r, 1100)); // s3rver's Last-Modified has 1 s resolution
    const { summary } = await syncOnce(config, { force: true });
    assert.is(summary.uploaded, 2);
    const after = await listBucket(sb.client(), config.storage.bucket);
    for (const o of after)
      assert.ok(o.lastModified > before.find((b) => b.key === o.key)!.lastModified, `${o.key} rewritten`);
  });

  test('--dry-run changes nothing anywhere: no bucket, object, cache, lock or run record', async () => {
    writeFile(sb.downloads, 'a.txt', 'a');
    const config = sb.config();
    const { summary, log } = await syncOnce(config, { dryRun: true });
    assert.is(summary.wouldUpload, 1);
    assert.is(summary.uploaded, 0);
    assert.not.ok(await sb.client().bucketExists(config.storage.bucket));
    assert.not.ok(fs.existsSync(config.cacheFile));
    assert.not.ok(fs.existsSync(`${config.cacheFile}.journal`));
    assert.not.ok(fs.existsSync(config.lockFile));
    assert.not.ok(fs.existsSync(path.join(config.logDir, 'telegram_sync_runs.jsonl')));
    assert.ok(log.records.some((r) => r.kind === 'dry-run' && r.msg === 'would upload'));
    // With a bucket and a cache in place, a dry run still leaves both as they were.
    await syncOnce(config);
    writeFile(sb.downloads, 'b.txt', 'b');
    const cacheBefore = fs.readFileSync(config.cacheFile, 'utf8');
    const dry = await syncOnce(config, { dryRun: true });
    assert.is(dry.summary.wouldUpload, 1);
    assert.equal(
      (await listBucket(sb.client(), config.storage.bucket)).map((o) => o.key),
      ['a.txt'],
    );
    assert.is(fs.readFileSync(config.cacheFile, 'utf8'), cacheBefore);
  });

  test('a first run of many files lists the bucket instead of asking for each file: one request per new file', async () => {
    for (let i = 0; i < 80; i++) writeFile(sb.downloads, `many/${i}.txt`, `file ${i}`);
    const proxy = await startFaultProxy(server(), () => 'pass');
    try {
      const { summary } = await syncOnce(sb.config({ MINIO_ENDPOINT: proxy.endpoint }));
      assert.is(summary.uploaded, 80);
      const lines = proxy.seen.map((s) => s.line.split(' ').slice(0, 2).join(' '));
      const objectRequests = lines.filter((l) => /^(HEAD|PUT|GET) \/[^/]+\/many\//.test(l));
      assert.is(objectRequests.filter((l) => l.startsWith('HEAD')).length, 0, 'no HEAD before or after an upload');
      assert.is(objectRequests.filter((l) => l.startsWith('PUT')).length, 80);
      assert.ok(
        lines.some((l) => /^GET \/[^/?]+\?.*list-type=2/.test(l)),
        'one listing',
      );
    } finally {
      await proxy.close();
    }
  });

  test('cache deleted: the rerun uploads nothing and rebuilds the cache from the bucket', async () => {
    writeFile(sb.downloads, 'x/1.bin', crypto.randomBytes(1000));
    writeFile(sb.downloads, 'x/2.bin', crypto.randomBytes(1000));
    const config = sb.config();
    await syncOnce(config);
    const before = await listBucket(sb.client(), config.storage.bucket);
    fs.rmSync(path.dirname(config.cacheFile), { recursive: true });
    const { summary } = await syncOnce(config);
    assert.is(summary.uploaded, 0);
    assert.is(summary.adopted, 2);
    assert.is(readCache(config).size, 2);
    assert.equal(await listBucket(sb.client(), config.storage.bucket), before);
  });

  test('a file larger than the part size uploads as multipart and verifies', async () => {
    const big = crypto.randomBytes(12 * 1024 * 1024 + 123);
    writeFile(sb.downloads, 'big/video one.mp4', big);
    const config = sb.config({ SYNC_PART_SIZE_MB: '5' });
    const { summary } = await syncOnce(config);
    assert.is(summary.uploaded, 1);
    const [obj] = await listBucket(sb.client(), config.storage.bucket);
    assert.is(obj?.key, 'big/video_one.mp4');
    assert.is(obj?.size, big.length);
    assert.is(obj?.sha256, sha(big));
    const stream = await sb.client().getObject(config.storage.bucket, 'big/video_one.mp4');
    const h = crypto.createHash('sha256');
    for await (const c of stream) h.update(c as Buffer);
    assert.is(h.digest('hex'), sha(big), 'bytes in the bucket are the file');
  });

  test('several download directories do not collide', async () => {
    const second = tempDir('dl2');
    writeFile(sb.downloads, 'same/name.txt', 'from first');
    writeFile(second, 'same/name.txt', 'from second');
    const config = sb.config({ SYNC_DOWNLOAD_DIRS: `tdl=${sb.downloads},daemon=${second}`, MINIO_PREFIX: 'telegram' });
    const { summary } = await syncOnce(config);
    assert.is(summary.uploaded, 2);
    assert.equal(
      (await listBucket(sb.client(), config.storage.bucket)).map((o) => o.key),
      ['telegram/daemon/same/name.txt', 'telegram/tdl/same/name.txt'],
    );
    fs.rmSync(second, { recursive: true });
  });

  test('a failed upload is not recorded, the others go on, and the next run retries it', async () => {
    writeFile(sb.downloads, 'good.txt', 'good');
    const bad = writeFile(sb.downloads, 'bad.txt', 'bad');
    const config = sb.config();
    const { summary } = await syncOnce(config, {
      deps: {
        read: async (f) =>
          f.fsPath === bad
            ? Promise.reject(Object.assign(new Error('disk read error'), { code: 'EIO' }))
            : contentReader(16 * 1024 * 1024)(f),
      },
    });
    assert.is(summary.status, 'partial');
    assert.is(summary.failed, 1);
    assert.is(summary.uploaded, 1);
    assert.ok(summary.problems.some((p) => p.path === bad && p.detail.includes('disk read error')));
    assert.is(readCache(config).get(bad), undefined);
    assert.equal(
      (await listBucket(sb.client(), config.storage.bucket)).map((o) => o.key),
      ['good.txt'],
    );
    const next = await syncOnce(config);
    assert.is(next.summary.uploaded, 1);
    assert.is(next.summary.status, 'ok');
  });

  test('the server going away mid-run stops the transfer: the rest is not attempted and only verified uploads are recorded', async () => {
    const config = sb.config({ SYNC_CONCURRENCY: '1' });
    for (let i = 0; i < 20; i++) writeFile(sb.downloads, `chan/${i}.bin`, `payload ${i}`);
    const log = createMemoryLogger();
    let stopping: Promise<void> | undefined;
    const watching: Logger = {
      ...log,
      child: () => watching,
      write: (entry: LogEntry) => {
        log.write(entry);
        if (entry.kind === 'upload.done' && !stopping) stopping = server().stopEndpoint();
      },
    };
    try {
      const { summary } = await syncOnce(config, { log: watching });
      await stopping;
      assert.is(summary.status, 'unreachable');
      assert.ok(summary.uploaded >= 1 && summary.uploaded < 20, `uploaded ${summary.uploaded}`);
      assert.is(summary.uploaded + summary.failed + summary.notAttempted, 20);
      assert.ok(summary.notAttempted > 0);
      const cache = readCache(config);
      assert.equal(
        [...cache.entries()].map((e) => e.key).sort(),
        summary.uploadedObjects.map((o) => o.key).sort(),
        'exactly the verified uploads are recorded',
      );
    } finally {
      await stopping;
      await server().startEndpoint();
    }
    const next = await syncOnce(config);
    assert.is(next.summary.status, 'ok', 'with the server back, the next run completes');
    assert.is((await listBucket(sb.client(), config.storage.bucket)).length, 20);
  });

  test('a link back to a parent is skipped (its files come through the real path); broken links fail the run and are named', async () => {
    writeFile(sb.downloads, 'chan/ok.txt', 'ok');
    fs.symlinkSync('..', path.join(sb.downloads, 'chan/loop'));
    fs.symlinkSync('self', path.join(sb.downloads, 'self'));
    fs.symlinkSync('/nonexistent/target', path.join(sb.downloads, 'dangling'));
    const config = sb.config();
    const { summary } = await syncOnce(config);
    assert.is(summary.uploaded, 1);
    assert.is(summary.skipped['symlink-loop'], 1);
    assert.is(summary.skipped['broken-link'], 2);
    assert.is(summary.status, 'partial');
    assert.is(summary.failed, 2);
    assert.equal(summary.problems.map((p) => [path.basename(p.path), p.kind]).sort(), [
      ['dangling', 'broken-link'],
      ['self', 'broken-link'],
    ]);
    assert.not.ok(summary.problems.some((p) => p.path.endsWith('chan/loop')));
  });
});
