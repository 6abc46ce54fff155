// A local S3 server of either kind, for the demo and scripts/s3-server.ts: s3rver (in this
// process, no packages, no root) or Ceph RGW (a production implementation; Debian packages).
import { rgwInstalled, startRgw } from './rgw.ts';
import { S3RVER_KEY, startS3Server } from './s3rver.ts';

export interface DevServer {
  readonly kind: 's3rver' | 'rgw';
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly directory: string;
  close(): Promise<void>;
}

export async function startDevServer(o: { rgw: boolean; directory: string; port?: number }): Promise<DevServer> {
  if (!o.rgw) {
    const s = await startS3Server({ directory: o.directory, ...(o.port ? { port: o.port } : {}) });
    return {
      kind: 's3rver',
      endpoint: s.endpoint,
      accessKey: S3RVER_KEY,
      secretKey: S3RVER_KEY,
      directory: s.directory,
      close: () => s.close(),
    };
  }
  const installed = rgwInstalled();
  if (!installed.ok) throw new Error(`Ceph RGW cannot start here: ${installed.why}`);
  const c = await startRgw({ directory: o.directory });
  return {
    kind: 'rgw',
    endpoint: c.endpoint,
    accessKey: c.accessKey,
    secretKey: c.secretKey,
    directory: c.directory,
    close: () => c.close(),
  };
}
