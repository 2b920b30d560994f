import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * Outside partners for delivery tests, on loopback: an SMTP server and webhook receivers that behave like
 * the real ones — including the worst kind, which accepts the connection and never says a word.
 */

export interface FakeSmtp {
  port: number;
  url: string;
  messages: Array<{ from: string; to: string[]; data: string }>;
  /** Connections opened so far (a silent one counts as soon as it is accepted). */
  connections: number;
  close(): Promise<void>;
}

/** Just enough of an SMTP server to accept messages (no STARTTLS, no AUTH). The first `silentConnections` connections get no greeting, ever. */
export async function fakeSmtp(opts: { silentConnections?: number } = {}): Promise<FakeSmtp> {
  const messages: FakeSmtp['messages'] = [];
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    state.connections++;
    if (state.connections <= (opts.silentConnections ?? 0)) return; // accept, then silence
    let buf = '';
    let inData = false;
    let cur = { from: '', to: [] as string[], data: '' };
    sock.write('220 fake ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(cur);
          cur = { from: '', to: [], data: '' };
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') sock.write('250-fake\r\n250 8BITMIME\r\n');
        else if (cmd === 'HELO') sock.write('250 fake\r\n');
        else if (cmd === 'MAIL') ((cur.from = line), sock.write('250 OK\r\n'));
        else if (cmd === 'RCPT') (cur.to.push(line), sock.write('250 OK\r\n'));
        else if (cmd === 'DATA') ((inData = true), sock.write('354 go ahead\r\n'));
        else if (cmd === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface FakeReceiver {
  url: string;
  got: Array<{ headers: IncomingMessage['headers']; body: string; at: number }>;
  close(): Promise<void>;
}

/** A webhook receiver: answers `status` (204) to every POST, or never answers at all when `silent`. */
export async function fakeReceiver(opts: { silent?: boolean; status?: number } = {}): Promise<FakeReceiver> {
  const got: FakeReceiver['got'] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body, at: Date.now() });
      if (opts.silent) return; // the request hangs until the sender gives up
      res.statusCode = opts.status ?? 204;
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
