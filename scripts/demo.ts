// The embedded default: a local S3 server, sample downloads, and the real scripts/sync.ts run
// against them twice (the second run uploads nothing), then the bucket listing.
// Usage: npm run demo   (or: npx zx scripts/demo.ts [--keep])
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../lib/args.ts';
import { isEntryPoint, runMain } from '../lib/cli.ts';
import { loadConfig, PROJECT_ROOT } from '../lib/config/load.ts';
import { startDevServer } from '../lib/dev/local-s3.ts';
import { createSampleDownloads } from '../lib/dev/sample-downloads.ts';
import { formatBytes } from '../lib/humanize.ts';
import { createStorage } from '../lib/storage/client.ts';
import { originalNameOf } from '../lib/storage/metadata.ts';

export const DEMO_DIR = path.join(PROJECT_ROOT, '.demo');

export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { keep: { type: 'boolean', default: false }, rgw: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } });
  if (flags.help) {
    process.stdout.write('Usage: npm run demo [-- --keep] [-- --rgw]\n  --keep  leave the S3 server running until Ctrl-C\n  --rgw   use Ceph RGW (Debian packages ceph-mon ceph-osd radosgw ceph-common) instead of s3rver\n');
    return 0;
  }
  fs.rmSync(DEMO_DIR, { recursive: true, force: true });
  const downloads = path.join(DEMO_DIR, 'downloads');
  createSampleDownloads(downloads);
  const server = await startDevServer({ rgw: flags.rgw, directory: path.join(DEMO_DIR, flags.rgw ? 'rgw' : 's3') });
  try {
    const configFile = path.join(DEMO_DIR, 'demo.env');
    const settings = {
      MINIO_ENDPOINT: server.endpoint,
      MINIO_ACCESS_KEY: server.accessKey,
      MINIO_SECRET_KEY: server.secretKey,
      MINIO_BUCKET: 'telegram',
      MINIO_PREFIX: 'downloads/',
      SYNC_DOWNLOAD_DIRS: downloads,
      SYNC_CACHE_FILE: path.join(DEMO_DIR, 'state/file_hashes.json'),
      SYNC_LOCK_FILE: path.join(DEMO_DIR, 'state/telegram_sync.lock'),
      SYNC_LOG_DIR: path.join(DEMO_DIR, 'logs'),
      SYNC_STABLE_SECONDS: '0', // the sample files are written a moment ago; real downloads use the 60 s default
    };
    fs.writeFileSync(configFile, Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    process.stdout.write(`S3 server (${server.kind}) on ${server.endpoint}; sample downloads in ${path.relative(PROJECT_ROOT, downloads)}\n`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in settings))) as NodeJS.ProcessEnv;
    for (const round of ['first run', 'second run (nothing new: uploads nothing)']) {
      process.stdout.write(`\n=== npx zx scripts/sync.ts --config .demo/demo.env   # ${round}\n`);
      const r = await execa('npx', ['zx', 'scripts/sync.ts', '--config', configFile], { cwd: PROJECT_ROOT, env, extendEnv: false, stdio: 'inherit', reject: false });
      if (r.exitCode !== 0) {
        process.stderr.write(`sync exited ${r.exitCode}\n`);
        return r.exitCode ?? 1;
      }
    }
    process.stdout.write(`\n=== bucket "telegram" now holds:\n`);
    const storage = createStorage(loadConfig({ env: {}, envFile: configFile, envFileRequired: true }));
    for await (const o of storage.list('')) {
      const st = await storage.stat(o.key);
      process.stdout.write(`  ${o.key.padEnd(58)} ${formatBytes(o.size).padStart(8)}  sha256 ${st?.sha256?.slice(0, 12)}…  from ${st ? originalNameOf(st.metadata) ?? '?' : '?'}\n`);
    }
    process.stdout.write(`\nLogs: ${path.relative(PROJECT_ROOT, path.join(DEMO_DIR, 'logs'))}/  Cache: ${path.relative(PROJECT_ROOT, settings.SYNC_CACHE_FILE)}\n`);
    if (flags.keep) {
      process.stdout.write(`S3 server still running on ${server.endpoint} (keys in .demo/demo.env); Ctrl-C to stop.\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return 0;
  } finally {
    await server.close();
  }
}

if (isEntryPoint(import.meta.url)) await runMain(import.meta.url, main);
