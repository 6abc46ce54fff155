// A local stand-in for the Telegram Bot API and a webhook receiver, on 127.0.0.1 (the real API
// is on the internet, which these machines cannot reach): it implements /bot<token>/sendMessage
// as the Bot API answers it, and records every request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface NotifyServer {
  readonly apiUrl: string;
  readonly webhookUrl: string;
  readonly received: Received[];
  readonly telegram: () => Received[];
  readonly webhook: () => Received[];
  // Answer 500 to the next `n` requests (a flaky API).
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startNotifyServer(token: string): Promise<NotifyServer> {
  const received: Received[] = [];
  let failing = 0;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        return void res.writeHead(500).end('{"ok":false}');
      }
      const body = data ? (JSON.parse(data) as Record<string, unknown>) : {};
      received.push({ path: req.url ?? '', body });
      if (req.url === `/bot${token}/sendMessage` && req.method === 'POST') {
        if (!body.chat_id || !body.text)
          return void res
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ok: true,
            result: { message_id: received.length, chat: { id: body.chat_id }, text: body.text },
          }),
        );
      }
      if (req.url?.startsWith('/bot'))
        return void res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"ok":false,"error_code":401,"description":"Unauthorized"}');
      if (req.url === '/hook/T000/B000' && req.method === 'POST') return void res.writeHead(200).end('ok');
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: base,
    webhookUrl: `${base}/hook/T000/B000`,
    received,
    telegram: () => received.filter((r) => r.path.startsWith('/bot')),
    webhook: () => received.filter((r) => r.path.startsWith('/hook')),
    failNext: (n) => void (failing = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
