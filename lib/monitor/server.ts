// Watch mode's monitoring address (SYNC_METRICS_LISTEN): /metrics for Prometheus, /healthz for a
// probe (200 while the last batch succeeded, 503 after a failed one), /status for people.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import type { Config } from '../config/types.ts';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { readRunRecords } from '../report/records.ts';
import type { Monitor } from './monitor.ts';
import { renderStatusPage } from './status-page.ts';

// prom-client's Registry.PROMETHEUS_CONTENT_TYPE (a test keeps them equal), written out so this
// module does not load prom-client before a scrape asks for metrics.
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ServerSources {
  metrics(): Promise<string>;
  healthy(): { ok: boolean; detail: string };
  status(): string;
}

export interface MonitorServer {
  readonly url: string;
  close(): Promise<void>;
}

// An address only this machine reaches.
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

// The request carries `Authorization: Bearer <token>` (compared in constant time).
function hasToken(req: http.IncomingMessage, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}

export async function startMonitorServer(
  listen: { host: string; port: number },
  src: ServerSources,
  token = '',
): Promise<MonitorServer> {
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string, extra: Record<string, string> = {}) =>
      res
        .writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...extra })
        .end(req.method === 'HEAD' ? undefined : body);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void send(405, 'text/plain', 'GET only\n');
    if (token && route !== '/healthz' && !hasToken(req, token))
      return void send(401, 'text/plain', 'a bearer token is needed (SYNC_METRICS_TOKEN)\n', {
        'www-authenticate': 'Bearer',
      });
    if (route === '/metrics') {
      return void src.metrics().then(
        (text) => send(200, METRICS_CONTENT_TYPE, text),
        (e: unknown) => send(500, 'text/plain', `${String(e)}\n`),
      );
    }
    if (route === '/healthz') {
      const h = src.healthy();
      return void send(h.ok ? 200 : 503, 'text/plain; charset=utf-8', `${h.ok ? 'ok' : 'failing'}: ${h.detail}\n`);
    }
    if (route === '/status' || route === '/') return void send(200, 'text/html; charset=utf-8', src.status());
    send(404, 'text/plain', 'not found: try /metrics, /healthz or /status\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address() as { port: number };
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The address watch mode serves, fed by its monitor and the run records.
export async function startWatchMonitorServer(config: Config, monitor: Monitor, log: Logger): Promise<MonitorServer> {
  const { host, port } = config.monitor.listen!;
  const token = config.monitor.metricsToken;
  const server = await startMonitorServer(
    { host, port },
    {
      metrics: () => monitor.metricsText(),
      healthy: () => ({
        ok: monitor.last?.ok ?? true,
        detail: monitor.last ? `last batch ${monitor.last.at}: ${monitor.last.headline}` : 'no batch yet',
      }),
      status: () =>
        renderStatusPage({
          generatedAt: new Date(),
          records: readRunRecords(config.logDir),
          host: os.hostname(),
          sources: config.sources,
        }),
    },
    token,
  ).catch((e: NodeJS.ErrnoException) => {
    // A port taken or an address not on this machine is a setting to change, not a bug (exit 2).
    throw new ConfigError([`SYNC_METRICS_LISTEN: cannot listen on ${host}:${port} (${e.code ?? e.message})`]);
  });
  log.write({ kind: 'metrics.listening', url: server.url, exposed: !isLoopback(host), token: token !== '' });
  return server;
}
