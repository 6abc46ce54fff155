// Files a scan used to lose silently: names that are not valid UTF-8, and (run as an
// unprivileged user, since root reads everything) unreadable files and directories.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { EXIT_CODES } from '../../lib/errors.ts';
import { readRunRecords } from '../../lib/report/records.ts';
import { decodeMetadataValue } from '../../lib/storage/metadata.ts';
import { QUOTE } from '../../lib/sync/scan/names.ts';
import { listBucket, PROJECT_ROOT, syncOnce, tempDir, writeFile, type Sandbox } from '../support/env.ts';
import { eachServer } from '../support/servers.ts';

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
// Write a file whose path is given as bytes below `root`.
const writeBytesName = (root: string, parts: Buffer[], content: string) => {
  const p = Buffer.concat([Buffer.from(root), ...parts.flatMap((x) => [Buffer.from('/'), x])]);
  fs.mkdirSync(Buffer.concat([Buffer.from(root), ...parts.slice(0, -1).flatMap((x) => [Buffer.from('/'), x])]), {
    recursive: true,
  });
  fs.writeFileSync(p, content);
};

eachServer('hostile names and permissions', ({ it: test, sandboxEach }) => {
  let sb: Sandbox;
  sandboxEach((x) => (sb = x));

  test('names that are not valid UTF-8 are uploaded under rclone-style keys, keep their bytes in metadata, and are recognised next run', async () => {
    writeBytesName(sb.downloads, [Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])], 'latin-1 name'); // caf\xe9.txt
    writeBytesName(sb.downloads, [Buffer.from([0xff, 0xfe])], 'two bad bytes');
    writeBytesName(
      sb.downloads,
      [Buffer.from([0xd0, 0x62, 0x61, 0x64]), Buffer.from('inner file.txt')],
      'in a bad folder',
    );
    writeFile(sb.downloads, `caf${QUOTE}E9.txt`, 'a real name that looks like an escape');
    writeFile(sb.downloads, 'plain.txt', 'plain');
    const config = sb.config();
    const first = await syncOnce(config);
    assert.is(first.summary.status, 'ok', JSON.stringify(first.summary.problems));
    assert.is(first.summary.uploaded, 5);
    const objects = await listBucket(sb.client(), config.storage.bucket);
    assert.equal(
      objects.map((o) => o.key).sort(),
      [
        `${QUOTE}D0bad/inner_file.txt`,
        `${QUOTE}FF${QUOTE}FE`,
        `caf${QUOTE}${QUOTE}E9.txt`,
        `caf${QUOTE}E9.txt`,
        'plain.txt',
      ].sort(),
    );
    const latin = objects.find((o) => o.key === `caf${QUOTE}E9.txt`)!;
    assert.is(latin.sha256, sha('latin-1 name'));
    assert.is(latin.metadata['original-name'], 'caf%E9.txt', 'the original bytes, percent-encoded');
    assert.is(objects.find((o) => o.key === 'plain.txt')?.metadata['original-name'], 'plain.txt');
    assert.is(
      decodeMetadataValue(objects.find((o) => o.key === `caf${QUOTE}${QUOTE}E9.txt`)!.metadata['original-name']!),
      `caf${QUOTE}E9.txt`,
    );
    const again = await syncOnce(config);
    assert.is(again.summary.uploaded, 0);
    assert.is(again.summary.skipped.unchanged, 5, 'recognised from stat alone, opened by their bytes');
  });

  test('as an unprivileged user: unreadable files and folders fail the run (exit 3), are named in the summary and the run record, and are synced once readable', async () => {
    const nobody = await execa('id', ['-u', 'nobody'], { reject: false });
    assert.is(nobody.exitCode, 0, 'the nobody user exists');
    writeFile(sb.downloads, 'ok/one.txt', 'one');
    writeFile(sb.downloads, 'ok/two.txt', 'two');
    const lockedFile = writeFile(sb.downloads, 'locked file.bin', 'no read permission');
    const lockedDir = path.join(sb.downloads, 'locked dir');
    writeFile(lockedDir, 'inside.txt', 'behind a closed door');
    writeBytesName(sb.downloads, [Buffer.from([0x6e, 0xe4, 0x6d, 0x65])], 'latin-1 too'); // n\xe4me
    fs.chmodSync(lockedFile, 0o000);
    fs.chmodSync(lockedDir, 0o000);
    fs.chmodSync(sb.dir, 0o755);
    for (const d of ['state', 'logs']) fs.mkdirSync(path.join(sb.dir, d), { recursive: true });
    await execa('chown', ['-R', 'nobody', path.join(sb.dir, 'state'), path.join(sb.dir, 'logs')]);
    const asNobody = () =>
      execa(
        'runuser',
        [
          '-u',
          'nobody',
          '--',
          process.execPath,
          '--import',
          'tsx',
          path.join(PROJECT_ROOT, 'scripts/sync.ts'),
          '--json',
        ],
        {
          cwd: PROJECT_ROOT,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir('nobody-home'), ...sb.env },
          extendEnv: false,
          reject: false,
        },
      );
    const r = await asNobody();
    assert.is(r.exitCode, EXIT_CODES.partial, r.stderr);
    const s = JSON.parse(r.stdout) as {
      status: string;
      uploaded: number;
      failed: number;
      problems: { path: string; kind: string; detail: string }[];
    };
    assert.is(s.status, 'partial');
    assert.is(s.uploaded, 3);
    assert.is(s.failed, 2);
    assert.equal(s.problems.map((p) => [path.basename(p.path), p.kind]).sort(), [
      ['locked dir', 'unreadable'],
      ['locked file.bin', 'failed'],
    ]);
    assert.match(s.problems.find((p) => p.kind === 'failed')!.detail, /EACCES/);
    assert.match(r.stderr, /2 file\(s\) failed/);
    const record = readRunRecords(path.join(sb.dir, 'logs')).at(-1)!;
    assert.is(record.status, 'partial');
    assert.equal(record.problems.length, 2);
    fs.chmodSync(lockedFile, 0o644);
    fs.chmodSync(lockedDir, 0o755);
    const after = await asNobody();
    assert.is(after.exitCode, 0, after.stderr);
    assert.is((JSON.parse(after.stdout) as { uploaded: number }).uploaded, 2);
    const keys = (await listBucket(sb.client(), sb.env.MINIO_BUCKET!)).map((o) => o.key).sort();
    assert.equal(keys, ['locked_dir/inside.txt', 'locked_file.bin', `n${QUOTE}E4me`, 'ok/one.txt', 'ok/two.txt']);
    console.log(
      `  as nobody: first run exit ${r.exitCode} (uploaded ${s.uploaded}, failed ${s.failed}: ${s.problems.map((p) => `${p.kind} ${path.basename(p.path)}`).join(', ')}); after chmod: exit ${after.exitCode}; bucket: ${keys.join(', ')}`,
    );
  });
});
