// What scripts/demo.ts does (`npm run demo`): the embedded default. A local S3 server, sample
// downloads, the real `npx zx scripts/sync.ts` run against them twice (the second run uploads
// nothing), then the bucket listed with each object's sha256 and the name it came from.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Command } from '../cli.ts';
import { loadConfig, PROJECT_ROOT } from '../config/load.ts';
import { startDevServer, type DevServer } from '../dev/local-s3.ts';
import { createSampleDownloads } from '../dev/sample-downloads.ts';
import { EXIT_CODES } from '../errors.ts';
import { formatBytes } from '../humanize.ts';
import { createStorage } from '../storage/client.ts';
import { originalNameOf } from '../storage/metadata.ts';

export const DEMO_DIR = path.join(PROJECT_ROOT, '.demo');

const HELP = `Usage: npm run demo [-- [--keep] [--rgw]]   (e.g. npm run demo -- --rgw --keep)
  --keep  leave the S3 server running until Ctrl-C
  --rgw   use Ceph RGW (Debian packages ceph-mon ceph-osd radosgw ceph-common) instead of s3rver`;

const FLAGS = {
  keep: { type: 'boolean', default: false },
  rgw: { type: 'boolean', default: false },
} as const;

export const DEMO: Command<typeof FLAGS, { readonly out?: NodeJS.WritableStream }> = {
  help: HELP,
  flags: FLAGS,
  async run(flags) {
    fs.rmSync(DEMO_DIR, { recursive: true, force: true });
    const downloads = path.join(DEMO_DIR, 'downloads');
    createSampleDownloads(downloads);
    const server = await startDevServer({ rgw: flags.rgw, directory: path.join(DEMO_DIR, flags.rgw ? 'rgw' : 's3') });
    try {
      const settings = demoSettings(server, downloads);
      const configFile = path.join(DEMO_DIR, 'demo.env');
      fs.writeFileSync(
        configFile,
        Object.entries(settings)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
      say(`S3 server (${server.kind}) on ${server.endpoint}; sample downloads in ${relative(downloads)}`);
      const failed = await syncTwice(configFile, settings);
      if (failed) return failed;
      await listBucket(configFile);
      say(`\nLogs: ${relative(settings.SYNC_LOG_DIR)}/  Cache: ${relative(settings.SYNC_CACHE_FILE)}`);
      if (flags.keep) await untilCtrlC(server);
      return EXIT_CODES.ok;
    } finally {
      await server.close();
    }
  },
};

const say = (line: string) => process.stdout.write(`${line}\n`);
const relative = (p: string) => path.relative(PROJECT_ROOT, p);

function demoSettings(server: DevServer, downloads: string) {
  return {
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
}

// The README's command, as a user types it; the exit code of the first run that fails, else 0.
async function syncTwice(configFile: string, settings: Record<string, string>): Promise<number> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in settings)));
  for (const round of ['first run', 'second run (nothing new: uploads nothing)']) {
    say(`\n=== npx zx scripts/sync.ts --config .demo/demo.env   # ${round}`);
    const args = ['zx', 'scripts/sync.ts', '--config', configFile];
    const r = await execa('npx', args, { cwd: PROJECT_ROOT, env, extendEnv: false, stdio: 'inherit', reject: false });
    if (r.exitCode !== 0) {
      process.stderr.write(`sync exited ${r.exitCode}\n`);
      return r.exitCode ?? EXIT_CODES.internal;
    }
  }
  return EXIT_CODES.ok;
}

async function listBucket(configFile: string): Promise<void> {
  say(`\n=== bucket "telegram" now holds:`);
  const storage = createStorage(loadConfig({ env: {}, envFile: configFile, envFileRequired: true }));
  for await (const o of storage.list('')) {
    const st = await storage.stat(o.key);
    const from = st ? (originalNameOf(st.metadata) ?? '?') : '?';
    say(`  ${o.key.padEnd(58)} ${formatBytes(o.size).padStart(8)}  sha256 ${st?.sha256?.slice(0, 12)}…  from ${from}`);
  }
}

async function untilCtrlC(server: DevServer): Promise<void> {
  say(`S3 server still running on ${server.endpoint} (keys in .demo/demo.env); Ctrl-C to stop.`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}
