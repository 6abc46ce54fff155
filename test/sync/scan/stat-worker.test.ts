import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createStatWorker,
  statManySync,
  WORKER_MIN_BATCH,
  type StatResult,
} from '../../../lib/sync/scan/stat-worker.ts';
import { tempDir } from '../../support/env.ts';

// What a scan reads of a stat, or the error code.
const view = (r: StatResult) =>
  'code' in r
    ? { code: r.code }
    : {
        dir: r.isDirectory(),
        file: r.isFile(),
        size: r.size,
        mtimeMs: r.mtimeMs,
        ctimeMs: r.ctimeMs,
        ino: r.ino,
        dev: r.dev,
      };

// A directory of every kind of entry a download folder can hold, 1,300 in all.
function mixedDir(): string[] {
  const dir = tempDir('stat-worker');
  const paths: string[] = [];
  for (let i = 0; i < 1290; i++) {
    const p = path.join(dir, `f${i} with space.bin`);
    fs.writeFileSync(p, Buffer.alloc(i % 97));
    fs.utimesSync(p, 1732522222.123456 + i, 1732522222.654321);
    paths.push(p);
  }
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.symlinkSync(paths[0]!, path.join(dir, 'link'));
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'broken'));
  fs.symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  return [
    ...paths,
    ...['sub', 'link', 'broken', 'loop', 'missing', 'fifo', 'f1 with space.bin/x'].map((n) => path.join(dir, n)),
  ];
}

test('on the worker threads: the same stats as on the main thread, in order, errors by code', async () => {
  const paths = mixedDir();
  const pool = createStatWorker({ threads: 2 });
  try {
    const onWorkers = await pool.statMany(paths);
    assert.ok(pool.started() >= 1, 'a worker thread did the stats');
    const here = await statManySync(paths);
    assert.equal(onWorkers.map(view), here.map(view));
    const byName = new Map(paths.map((p, i) => [path.basename(p), view(onWorkers[i]!)]));
    assert.equal(byName.get('sub')?.dir, true);
    assert.equal(byName.get('link')?.file, true, 'links are followed');
    assert.equal(byName.get('broken'), { code: 'ENOENT' });
    assert.equal(byName.get('loop'), { code: 'ELOOP' });
    assert.equal(byName.get('x'), { code: 'ENOTDIR' });
    assert.equal([byName.get('fifo')?.file, byName.get('fifo')?.dir], [false, false], 'a fifo is neither');
    assert.is(
      byName.get('f5 with space.bin')?.mtimeMs,
      fs.statSync(paths[5]!).mtimeMs,
      'times exactly as Node reads them',
    );
  } finally {
    await pool.close();
  }
});

test('small batches and paths given as bytes stay on the main thread', async () => {
  const paths = mixedDir();
  const pool = createStatWorker();
  try {
    const small = await pool.statMany(paths.slice(0, WORKER_MIN_BATCH - 1));
    assert.is(small.length, WORKER_MIN_BATCH - 1);
    const bytes = await pool.statMany(paths.slice(0, 200).map((p) => Buffer.from(p)));
    assert.is(pool.started(), 0);
    assert.equal(bytes.map(view), (await statManySync(paths.slice(0, 200))).map(view));
  } finally {
    await pool.close();
  }
});

test('a worker that goes away mid-batch leaves the stats to the main thread: same answers, no failure', async () => {
  const paths = mixedDir();
  const pool = createStatWorker();
  const pending = pool.statMany(paths);
  await pool.close(); // the worker ends with the batch unanswered
  assert.equal((await pending).map(view), (await statManySync(paths)).map(view));
  assert.equal((await pool.statMany(paths)).map(view), (await statManySync(paths)).map(view), 'and after it, too');
});

test('a process whose only work is waiting for the worker gets its answer before it ends', () => {
  const paths = mixedDir();
  const list = path.join(path.dirname(paths[0]!), 'list.json');
  fs.writeFileSync(list, JSON.stringify(paths));
  const script = `import fs from 'node:fs'; import { createStatWorker } from ${JSON.stringify(path.resolve('lib/sync/scan/stat-worker.ts'))};
const pool = createStatWorker(); pool.statMany(JSON.parse(fs.readFileSync(${JSON.stringify(list)}, 'utf8'))).then((r) => { process.stdout.write('stat ' + r.length + '\\n'); return pool.close(); });`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.is(out.trim(), `stat ${paths.length}`);
});

test.run();
