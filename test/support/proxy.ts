// A TCP proxy on 127.0.0.1 in front of an S3 server, for faults a real server does not make on
// request: it can answer a request with an HTTP error itself, reset the connection after the
// request arrived, or hold a connection without answering. Works the same in front of s3rver
// and Ceph RGW, or pass a request on late (a slow link). `decide` is asked once per request (seen as
// its first line, e.g. "PUT /b/k ...").
import net from 'node:net';

export type Fault =
  | 'pass'
  | 'reset'
  | 'stall'
  | 'corrupt'
  | { readonly status: number; readonly code: string }
  // Passed on after this many milliseconds: a request that takes at least that long.
  | { readonly delayMs: number };

export interface FaultProxy {
  readonly endpoint: string;
  readonly port: number;
  // The requests seen: first line, body length (Content-Length), whether it is a server-side
  // copy (x-amz-copy-source), and the fault applied.
  readonly seen: Array<{
    readonly line: string;
    readonly fault: Fault;
    readonly bodyBytes: number;
    readonly copy: boolean;
  }>;
  close(): Promise<void>;
}

function errorResponse(status: number, code: string): string {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test proxy</Message></Error>`;
  return `HTTP/1.1 ${status} Injected\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

// With `keepAlive`, connections are kept open as the client asks (a server that keeps them) and
// every request on them is decided, a later one on a reused connection too: 'stall' then holds
// that connection from that request on (the others pass).
export async function startFaultProxy(
  target: { port: number },
  decide: (line: string) => Fault,
  options: { readonly keepAlive?: boolean } = {},
): Promise<FaultProxy> {
  const seen: FaultProxy['seen'] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    client.once('data', (first: Buffer) => {
      const request = first.toString('latin1');
      const line = request.split('\r\n')[0] ?? '';
      const fault = decide(line);
      seen.push({
        line,
        fault,
        bodyBytes: Number(/\r\ncontent-length: *(\d+)/i.exec(request)?.[1] ?? 0),
        copy: /\r\nx-amz-copy-source:/i.test(request),
      });
      if (fault === 'reset') return client.resetAndDestroy();
      if (fault === 'stall') return; // hold it: no answer, ever
      if (typeof fault === 'object' && 'status' in fault) {
        return void client.end(errorResponse(fault.status, fault.code));
      }
      const pass = () => {
        const upstream = net.connect(target.port, '127.0.0.1');
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        // 'corrupt' flips one byte of the request body on its way (a damaged transfer).
        let flip = fault === 'corrupt';
        const forward = (chunk: Buffer, start: number) => {
          if (flip && start < chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[start] = chunk[start]! ^ 0xff;
            flip = false;
          }
          upstream.write(chunk);
        };
        const headEnd = first.indexOf('\r\n\r\n');
        forward(first, headEnd < 0 ? first.length : headEnd + 4);
        let held = false;
        client.on('data', (chunk: Buffer) => {
          const next = options.keepAlive ? REQUEST_LINE.exec(chunk.toString('latin1', 0, 200)) : null;
          if (next) {
            const later = decide(next[1]!);
            seen.push({ line: next[1]!, fault: later, bodyBytes: 0, copy: false });
            if (later === 'stall') held = true;
          }
          if (!held) forward(chunk, 0);
        });
        client.on('end', () => upstream.end());
        // One request per connection: the answer says "Connection: close", so the client opens a
        // new connection (and the proxy sees the request line) for its next request.
        let head = Buffer.alloc(0);
        let rewritten = false;
        upstream.on('data', (chunk: Buffer) => {
          if (held) return;
          if (rewritten || options.keepAlive) return void client.write(chunk);
          head = Buffer.concat([head, chunk]);
          const eol = head.indexOf('\r\n');
          if (eol < 0) return;
          rewritten = true;
          client.write(
            Buffer.concat([head.subarray(0, eol + 2), Buffer.from('Connection: close\r\n'), head.subarray(eol + 2)]),
          );
        });
        upstream.on('end', () => client.end());
      };
      if (typeof fault !== 'object') return pass();
      client.pause(); // what arrives meanwhile waits in the socket
      setTimeout(() => {
        pass();
        client.resume();
      }, fault.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const REQUEST_LINE = /^((?:GET|PUT|HEAD|POST|DELETE) \S+ HTTP\/1\.1)\r\n/;

// Object bytes the client sent through the proxy: bodies of PUT requests for objects and parts,
// not copies (whose body is empty) and not the payload-hash probe.
export function objectBytesSent(proxy: Pick<FaultProxy, 'seen'>): number {
  return proxy.seen
    .filter((s) => /^PUT \/[^/ ]+\/[^ ]/.test(s.line) && !s.copy && !s.line.includes('.telegram-sync-probe-'))
    .reduce((n, s) => n + s.bodyBytes, 0);
}
