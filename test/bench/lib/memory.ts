// Peak RSS of the sync uploading one large file, for several sizes: memory must stay flat in
// the file's size (parts are read one at a time into one buffer).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../../lib/config/load.ts';
import { measure } from './measure.ts';
import { ensureBenchBucket, type RunningServer } from './servers.ts';
import { thisProject } from './tools.ts';

export async function peakRssBySize(
  s: RunningServer,
  root: string,
  sizesMiB: readonly number[],
): Promise<Array<{ mib: number; rssMB: number; wallS: number; exitCode: number }>> {
  const out = [];
  for (const mib of sizesMiB) {
    const dir = path.join(root, `one-${mib}mib`);
    const file = path.join(dir, 'video', 'big video.mp4');
    if (!fs.existsSync(file) || fs.statSync(file).size !== mib * 2 ** 20) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await execa('dd', ['if=/dev/urandom', `of=${file}`, 'bs=1M', `count=${mib}`, 'status=none']);
    }
    const bucket = `bench-mem-${mib}`;
    await ensureBenchBucket(s, bucket);
    const work = fs.mkdtempSync(path.join(root, 'work-'));
    const inv = thisProject.sync(dir, bucket, s, work);
    const m = await measure(inv.cmd, inv.args, { env: inv.env, cwd: PROJECT_ROOT, serverPids: () => s.pids() });
    out.push({ mib, rssMB: m.rssMB, wallS: m.wallS, exitCode: m.exitCode });
    await s.purge(bucket);
    fs.rmSync(work, { recursive: true, force: true });
  }
  return out;
}
