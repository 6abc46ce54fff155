// The S3 servers every storage, transfer, sync, fault-injection and CLI suite runs against:
// s3rver (fast, in-process) and Ceph RGW (a production implementation, started once per test
// process and stopped when it ends). `eachServer` defines one suite per server, named [s3rver]
// and [rgw]; a server that cannot run here fails its tests under CI=true and skips them elsewhere.
import { suite, type Test } from 'uvu';
import { rgwInstalled, startRgw, type RgwServer } from '../../lib/dev/rgw.ts';
import { S3RVER_KEY, startS3Server, type LocalS3Server } from '../../lib/dev/s3rver.ts';
import { needing, type Availability } from './requires.ts';
import { createSandbox, tempDir, type Sandbox } from './env.ts';

export type ServerName = 's3rver' | 'rgw';

export interface S3Server {
  readonly name: ServerName;
  readonly endpoint: string;
  readonly port: number;
  readonly accessKey: string;
  readonly secretKey: string;
  // Take the S3 endpoint away (the data stays), and bring it back on the same port.
  stopEndpoint(): Promise<void>;
  startEndpoint(): Promise<void>;
}

interface Kind {
  readonly name: ServerName;
  readonly label: string;
  readonly available: Availability;
  get(): Promise<S3Server>;
}

let s3rver: Promise<S3Server> | undefined;
let rgw: Promise<S3Server> | undefined;
const closers: Array<() => Promise<void>> = [];

// Close the shared servers once everything else is done (uvu only sets process.exitCode).
process.once('beforeExit', async () => {
  for (const close of closers.splice(0))
    await close().catch((e: Error) => console.error(`closing a test server: ${e.message}`));
});

function shareS3rver(): Promise<S3Server> {
  s3rver ??= (async () => {
    const directory = tempDir('s3-shared');
    let live: LocalS3Server = await startS3Server({ directory });
    live.unref(); // the process may end while it listens; beforeExit closes it
    closers.push(() => live.close());
    return {
      name: 's3rver',
      endpoint: live.endpoint,
      port: live.port,
      accessKey: S3RVER_KEY,
      secretKey: S3RVER_KEY,
      stopEndpoint: () => live.close(),
      startEndpoint: async () => {
        live = await startS3Server({ directory, port: live.port });
        live.unref();
      },
    };
  })();
  return s3rver;
}

function shareRgw(): Promise<S3Server> {
  rgw ??= (async () => {
    const started = Date.now();
    const cluster: RgwServer = await startRgw({ directory: tempDir('rgw-shared') });
    console.log(`  [rgw] Ceph RGW ${cluster.endpoint} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    closers.push(() => cluster.close());
    return {
      name: 'rgw',
      endpoint: cluster.endpoint,
      port: cluster.port,
      accessKey: cluster.accessKey,
      secretKey: cluster.secretKey,
      stopEndpoint: () => cluster.stopGateway(),
      startEndpoint: () => cluster.startGateway(),
    };
  })();
  return rgw;
}

export const SERVER_KINDS: readonly Kind[] = [
  { name: 's3rver', label: 's3rver', available: { ok: true }, get: shareS3rver },
  { name: 'rgw', label: 'Ceph RGW', available: rgwInstalled(), get: shareRgw },
];

export interface ServerSuite {
  readonly test: Test;
  readonly it: (name: string, fn: () => unknown) => void;
  // The server of this suite (throws the reason it could not start).
  server(): S3Server;
  // A fresh sandbox (temp dirs, new bucket) on this server before each test, removed after it.
  sandboxEach(use: (sb: Sandbox) => void, extraEnv?: Record<string, string>): void;
}

// One suite per server kind, defined by the same function.
export function eachServer(title: string, define: (s: ServerSuite) => void): void {
  for (const kind of SERVER_KINDS) {
    const test = suite(`[${kind.name}] ${title}`);
    let server: S3Server | undefined;
    let failed: unknown;
    test.before(async () => {
      if (!kind.available.ok) return;
      try {
        server = await kind.get();
      } catch (e) {
        failed = e; // uvu hides errors thrown in hooks: every test reports it instead
      }
    });
    const current = (): S3Server => {
      if (failed) throw failed;
      return server!;
    };
    const define_ = needing(test, kind.label, kind.available);
    let sandbox: Sandbox | undefined;
    define({
      test,
      // Every test first checks that its server is up, so a start failure is what it reports.
      it: (name, fn) => define_(name, async () => (current(), fn())),
      server: current,
      sandboxEach(use, extraEnv = {}) {
        test.before.each(async () => {
          sandbox = server ? await createSandbox(server, extraEnv) : undefined;
          if (sandbox) use(sandbox);
        });
        test.after.each(async () => sandbox?.close());
      },
    });
    test.run();
  }
}
