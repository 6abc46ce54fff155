// The project's Docker image, built on this machine's engine (test/support/stack.ts). No registry
// is reachable here, so its base is imported: a root file system holding the host's Node and npm
// and the libraries they load (`docker import`), passed to the Dockerfile as its BASE. The
// dependencies come from the host's npm cache, copied into the build context (NPM_OFFLINE=true):
// the build touches no network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../lib/config/load.ts';
import { docker } from './stack.ts';

export const NODE_BASE = 'tgsync-node-base:20';
export const IMAGE = 'telegram-sync:test';

// The files of the node and env binaries and every library they load (ldd), plus npm.
async function nodeFiles(): Promise<string[]> {
  const bins = [process.execPath, '/usr/bin/env'];
  const libs = new Set<string>();
  for (const bin of bins) {
    const { stdout } = await execa('ldd', [bin]);
    for (const m of stdout.matchAll(/(\/\S+) \(0x/g)) libs.add(m[1]!);
  }
  return [...bins, ...libs];
}

export async function ensureNodeBaseImage(): Promise<void> {
  if ((await docker(['image', 'inspect', NODE_BASE], { reject: false })).exitCode === 0) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tgsync-node-rootfs-'));
  for (const d of ['etc', 'tmp', 'usr/bin', 'usr/lib', 'usr/lib64', 'usr/local/bin']) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
  }
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  for (const d of ['bin', 'lib', 'lib64', 'sbin'])
    fs.symlinkSync(d === 'sbin' ? 'usr/bin' : `usr/${d}`, path.join(root, d));
  for (const file of await nodeFiles()) {
    const real = fs.realpathSync(file);
    // Under its own path, inside usr/ (bin, lib and lib64 are links into usr/ here).
    const inUsr = file.startsWith('/usr/') ? file : `/usr${file}`;
    fs.mkdirSync(path.join(root, path.dirname(inUsr)), { recursive: true });
    fs.copyFileSync(real, path.join(root, inUsr));
    fs.chmodSync(path.join(root, inUsr), fs.statSync(real).mode);
  }
  // npm's own folder (…/lib/node_modules/npm), wherever this machine's npm is installed.
  const npm = path.resolve(fs.realpathSync((await execa('which', ['npm'])).stdout.trim()), '../..');
  fs.mkdirSync(path.join(root, 'usr/lib/node_modules'), { recursive: true });
  await execa('cp', ['-a', npm, path.join(root, 'usr/lib/node_modules/npm')]);
  fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(root, 'usr/bin/npm'));
  fs.writeFileSync(
    path.join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nsync:x:10001:10001::/state:/bin/sh\n',
  );
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nsync:x:10001:\n');
  const tar = `${root}.tar`;
  await execa('tar', ['-C', root, '-cf', tar, '.']);
  await docker(['import', tar, NODE_BASE]);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(tar, { force: true });
}

// A build context like a clean checkout's (what .dockerignore lets through), with the npm cache.
async function buildContext(): Promise<string> {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'tgsync-image-ctx-'));
  for (const f of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'lib', 'scripts', 'docker']) {
    fs.cpSync(path.join(PROJECT_ROOT, f), path.join(ctx, f), { recursive: true });
  }
  const cache = (await execa('npm', ['config', 'get', 'cache'])).stdout.trim() || path.join(os.homedir(), '.npm');
  fs.cpSync(path.join(cache, '_cacache'), path.join(ctx, 'docker/npm-cache/_cacache'), { recursive: true });
  return ctx;
}

// docker build, offline, from the imported base; the image's size in bytes.
export async function buildImage(): Promise<{ size: number; output: string }> {
  await ensureNodeBaseImage();
  const ctx = await buildContext();
  try {
    const args = ['build', '--network', 'none', '--build-arg', `BASE=${NODE_BASE}`, '--build-arg', 'NPM_OFFLINE=true'];
    const r = await docker([...args, '-t', IMAGE, ctx], { timeout: 600_000 });
    const size = Number((await docker(['image', 'inspect', '--format', '{{.Size}}', IMAGE])).stdout.trim());
    return { size, output: r.stdout + r.stderr };
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}
