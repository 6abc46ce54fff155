// The minio client and its HTTP transport: keep-alive connections, and a request that gets no
// answer for SYNC_REQUEST_TIMEOUT_SECONDS cut (the minio client has no timeout of its own).
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type * as Minio from 'minio';
import type { StorageConfig } from '../config/types.ts';

// Keep-alive connections, and a socket that neither sends nor receives for the timeout is cut
// with ETIMEDOUT, marked `stalled` (the minio client has no timeout of its own: a stalled server
// would hang a run). The agent's own `timeout` matters as much as the socket's: Node's agent sets
// a socket's timeout to the agent's when the socket goes back to the pool, so without it every
// request on a reused connection would wait forever.
export function createTransport(useSSL: boolean, timeoutMs: number): http.Agent {
  const options = { keepAlive: true, timeout: timeoutMs };
  const agent = useSSL ? new https.Agent(options) : new http.Agent(options);
  const base = (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection.bind(
    agent,
  );
  (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection = (
    ...args: unknown[]
  ) => {
    const socket = base(...args);
    socket.on('error', () => undefined); // the request using the socket gets the error; an idle one just goes
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(
        Object.assign(new Error(`no answer from the S3 server for ${timeoutMs / 1000} s`), {
          code: 'ETIMEDOUT',
          stalled: true,
        }),
      ),
    );
    return socket;
  };
  return agent;
}

// The client, created at the first request: importing `minio` costs about 0.3 s and 35 MB, which
// a run that never reaches the bucket (--help, a config error, a held lock) should not pay.
export function lazyMinioClient(cfg: StorageConfig): () => Promise<Minio.Client> {
  let client: Promise<Minio.Client> | undefined;
  return () => (client ??= import('minio').then((m) => createMinioClient(cfg, m.Client)));
}

export function createMinioClient(cfg: StorageConfig, Client: typeof Minio.Client): Minio.Client {
  return new Client({
    transportAgent: createTransport(cfg.useSSL, cfg.requestTimeoutMs),
    endPoint: cfg.endPoint,
    port: cfg.port,
    useSSL: cfg.useSSL,
    accessKey: cfg.accessKey,
    secretKey: cfg.secretKey,
    region: cfg.region,
    partSize: cfg.partSizeBytes,
    pathStyle: true,
    // Its own retry re-sends a stream body it has already consumed, and prints to the console:
    // ours (lib/retry.ts) reopens the file for each attempt instead.
    retryOptions: { disableRetry: true },
  });
}
