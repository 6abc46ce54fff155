// Filling a bucket as the old system and the usual clients did, without our sha256 metadata:
// boto3's upload_file (s3transfer: the AWS CLI's engine; multipart above 8 MiB in 8 MiB parts,
// or the 5 MiB parts minio-py cut for the old command) and minio-js with default settings.
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import type { Availability } from './requires.ts';

export function boto3Installed(): Availability {
  const r = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
  return r.status === 0
    ? { ok: true }
    : {
        ok: false,
        why: `python3 with boto3 is needed (apt-get install python3-boto3): ${(r.stderr || String(r.error)).trim().split('\n').pop()}`,
      };
}

const UPLOAD = `
import sys, json, boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
a = json.loads(sys.stdin.read())
s3 = boto3.client('s3', endpoint_url=a['endpoint'], aws_access_key_id=a['accessKey'], aws_secret_access_key=a['secretKey'],
                  region_name='us-east-1', config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 3}))
mib = 1024 * 1024
cfg = TransferConfig(multipart_threshold=a['partMib'] * mib, multipart_chunksize=a['partMib'] * mib, max_concurrency=4)
from concurrent.futures import ThreadPoolExecutor
with ThreadPoolExecutor(4) as pool:
    for done in pool.map(lambda fk: s3.upload_file(fk[0], a['bucket'], fk[1], Config=cfg), a['files']):
        pass
`;

export interface OtherClientTarget {
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
}

// Upload [local file, key] pairs with boto3; files above `partMib` go up in parts of that size.
// The list goes through stdin's file (argv has a size limit).
export async function uploadWithBoto3(
  target: OtherClientTarget,
  files: ReadonlyArray<readonly [string, string]>,
  partMib = 8,
): Promise<void> {
  await execa('python3', ['-c', UPLOAD], { input: JSON.stringify({ ...target, files, partMib }), timeout: 1_800_000 });
}
