// The tools compared: rclone, aws s3 sync and s3cmd (Debian's), each set up for a path-style
// S3 server on 127.0.0.1 with 4 transfers at a time (s3cmd has no parallel uploads), and this
// project run as the cron line runs it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../../lib/config/load.ts';

export interface BenchServer {
  readonly name: string;
  readonly endpoint: string;
  readonly port: number;
  readonly accessKey: string;
  readonly secretKey: string;
  pids(): readonly number[];
  purge(bucket: string): Promise<void>;
}

export interface Invocation {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface Tool {
  readonly name: string;
  readonly binary: string;
  // The Debian package that installs `binary` (none: this project).
  readonly debian?: string;
  // The same command does the first upload and the rerun (a no-op).
  sync(dir: string, bucket: string, s: BenchServer, work: string): Invocation;
  // This project only: the state to delete for a "cache lost" rerun.
  readonly stateDir?: (work: string) => string;
}

export const CONCURRENCY = 4;
const baseEnv = () => ({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' });

export const rclone: Tool = {
  name: 'rclone',
  binary: '/usr/bin/rclone',
  debian: 'rclone',
  sync(dir, bucket, s, work) {
    fs.writeFileSync(path.join(work, 'rclone.conf'), '');
    return {
      cmd: '/usr/bin/rclone',
      args: [
        'sync',
        dir,
        `bench:${bucket}`,
        '--transfers',
        String(CONCURRENCY),
        '--checkers',
        String(CONCURRENCY),
        '--config',
        path.join(work, 'rclone.conf'),
      ],
      env: {
        ...baseEnv(),
        RCLONE_CONFIG_BENCH_TYPE: 's3',
        RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
        RCLONE_CONFIG_BENCH_ENDPOINT: s.endpoint,
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: s.accessKey,
        RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: s.secretKey,
        RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
      },
    };
  },
};

export const aws: Tool = {
  name: 'aws s3 sync',
  binary: '/usr/bin/aws',
  debian: 'awscli',
  sync(dir, bucket, s, work) {
    const config = path.join(work, 'aws.config');
    fs.writeFileSync(
      config,
      `[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  max_concurrent_requests = ${CONCURRENCY}\n`,
    );
    return {
      cmd: '/usr/bin/aws',
      args: ['--endpoint-url', s.endpoint, 's3', 'sync', dir, `s3://${bucket}`, '--only-show-errors'],
      env: {
        ...baseEnv(),
        AWS_CONFIG_FILE: config,
        AWS_ACCESS_KEY_ID: s.accessKey,
        AWS_SECRET_ACCESS_KEY: s.secretKey,
      },
    };
  },
};

export const s3cmd: Tool = {
  name: 's3cmd',
  binary: '/usr/bin/s3cmd',
  debian: 's3cmd',
  sync(dir, bucket, s, work) {
    const config = path.join(work, 's3cmd.cfg');
    const host = `127.0.0.1:${s.port}`;
    fs.writeFileSync(
      config,
      `[default]\naccess_key = ${s.accessKey}\nsecret_key = ${s.secretKey}\nhost_base = ${host}\nhost_bucket = ${host}\nuse_https = False\nbucket_location = us-east-1\nsignature_v2 = False\n`,
    );
    return {
      cmd: '/usr/bin/s3cmd',
      args: ['-c', config, '--no-progress', '--quiet', 'sync', `${dir}/`, `s3://${bucket}/`],
      env: baseEnv(),
    };
  },
};

export const thisProject: Tool = {
  name: 'telegram-sync',
  binary: process.execPath,
  stateDir: (work) => path.join(work, 'state'),
  sync(dir, bucket, s, work) {
    const config = path.join(work, 'bench.env');
    fs.writeFileSync(
      config,
      [
        `MINIO_ENDPOINT=${s.endpoint}`,
        `MINIO_ACCESS_KEY=${s.accessKey}`,
        `MINIO_SECRET_KEY=${s.secretKey}`,
        `MINIO_BUCKET=${bucket}`,
        `SYNC_DOWNLOAD_DIRS=${dir}`,
        `SYNC_CACHE_FILE=${work}/state/file_hashes.json`,
        `SYNC_LOCK_FILE=${work}/state/sync.lock`,
        `SYNC_LOG_DIR=${work}/logs`,
        'SYNC_STABLE_SECONDS=0',
        `SYNC_CONCURRENCY=${CONCURRENCY}`,
      ].join('\n') + '\n',
    );
    // What the installed cron line runs (crontab/telegram-sync.cron), in cron's bare environment.
    return {
      cmd: process.execPath,
      args: [path.join(PROJECT_ROOT, 'scripts/launch.mjs'), 'sync', '--config', config],
      env: baseEnv(),
    };
  },
};

export const ALL_TOOLS: readonly Tool[] = [rclone, aws, s3cmd, thisProject];

// The peers (and GNU time, which measures every tool) from Debian's packages, when missing and
// this runs as root; otherwise a missing peer is left out of the table, and said so.
export async function ensurePeers(tools: readonly Tool[]): Promise<void> {
  const missing = [
    ...tools.filter((t) => t.debian && !fs.existsSync(t.binary)).map((t) => t.debian!),
    ...(fs.existsSync('/usr/bin/time') ? [] : ['time']),
  ];
  if (!missing.length) return;
  if (process.getuid?.() !== 0)
    return void console.log(
      `not installed, left out: ${missing.join(', ')} (apt-get install ${missing.join(' ')} as root)`,
    );
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { env, reject: false });
  const r = await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env,
    reject: false,
  });
  if (r.exitCode !== 0)
    console.log(`apt-get install failed (${r.exitCode}): ${r.stderr.split('\n').slice(-2).join(' ')}`);
}
