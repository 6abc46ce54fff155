// A local S3 server for the demo and the tests: the real `s3rver` on 127.0.0.1, with the one shim
// it needs for the minio client (an empty answer to `GET /bucket?uploads`, which s3rver lacks).
// Not for production data: it stores objects as plain files under `directory`.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';

export const S3RVER_KEY = 'S3RVER';

export interface LocalS3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  // Let the process end while the server still listens (for one shared by a whole test run).
  unref(): void;
  close(): Promise<void>;
}

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  type: string;
  body: unknown;
  status: number;
}

function listMultipartUploadsShim(ctx: KoaContext, next: () => Promise<void>): Promise<void> | void {
  const bucket = ctx.path.split('/').filter(Boolean)[0];
  if (ctx.method === 'GET' && bucket && ctx.path.split('/').filter(Boolean).length === 1 && 'uploads' in ctx.query) {
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>`,
      '<NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker>',
      '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>',
    ].join('');
    return;
  }
  return next();
}

export type KoaMiddleware = (
  ctx: KoaContext & { req: import('node:http').IncomingMessage; res: import('node:http').ServerResponse },
  next: () => Promise<void>,
) => Promise<void> | void;

// `middleware` runs in front of everything (the tests use it to inject server faults).
export async function startS3Server(options: {
  directory: string;
  port?: number;
  silent?: boolean;
  middleware?: readonly KoaMiddleware[];
}): Promise<LocalS3Server> {
  fs.mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: options.silent ?? true,
  });
  (server as { middleware: unknown[] }).middleware.unshift(...(options.middleware ?? []), listMultipartUploadsShim);
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory: options.directory,
    unref: () => (server as { httpServer: import('node:net').Server }).httpServer.unref(),
    close: () => server.close() as Promise<void>,
  };
}
