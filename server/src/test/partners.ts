import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  randomBytes,
  verify as cryptoVerify,
} from 'node:crypto';
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

/**
 * A push service and the browser behind it, on loopback: the service keeps what it is sent (answering
 * `status(path)`: 201, or 410 for a browser that unsubscribed); the browser holds its own P-256 key pair
 * and auth secret, as a real one does, and is the only one who can read a message (RFC 8291, aes128gcm).
 */
export interface FakePushService {
  url: string;
  received: Array<{ path: string; headers: IncomingMessage['headers']; body: Buffer }>;
  close(): Promise<void>;
}

export async function fakePushService(status: (path: string) => number = () => 201): Promise<FakePushService> {
  const received: FakePushService['received'] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status(req.url ?? '')).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface TestBrowser {
  /** As PushSubscription.toJSON() gives it. */
  keys: { p256dh: string; auth: string };
  /** The plaintext of an aes128gcm body sent to this browser (throws if it was not encrypted for it). */
  decrypt(body: Buffer): string;
}

export function testBrowser(): TestBrowser {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const auth = randomBytes(16);
  const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();
  return {
    keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') },
    decrypt: (body) => {
      // RFC 8188 header: salt (16) | record size (4) | key id length (1) | key id (the sender's public key).
      const salt = body.subarray(0, 16);
      const idLength = body[20]!;
      const senderKey = body.subarray(21, 21 + idLength);
      const record = body.subarray(21 + idLength);
      // RFC 8291 §3.3–3.4: the shared secret mixed with the auth secret, then the content key and nonce.
      const shared = ecdh.computeSecret(senderKey);
      const prkKey = hmac(auth, shared);
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), publicKey, senderKey, Buffer.from([1])]);
      const ikm = hmac(prkKey, keyInfo);
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(record.subarray(record.length - 16));
      const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
      // The last record ends with the delimiter 0x02 and zero padding.
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end--;
      if (padded[end] !== 2) throw new Error('not the last record of an aes128gcm body');
      return padded.subarray(0, end).toString('utf8');
    },
  };
}

/** The VAPID JWT of a push request (RFC 8292), checked against the server's public key: its claims. */
export function verifyVapid(authorization: string | undefined, publicKey: string): Record<string, unknown> {
  const m = /^vapid t=([^,]+), k=(.+)$/.exec(authorization ?? '');
  if (!m || m[2] !== publicKey) throw new Error(`not a VAPID authorization: ${authorization}`);
  const [header, claims, signature] = m[1]!.split('.') as [string, string, string];
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = cryptoVerify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('VAPID signature does not verify');
  return JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface FakeLineMessaging {
  /** The API's base address (LINE_API_URL). */
  url: string;
  /** The channel access token it accepts (LINE_CHANNEL_ACCESS_TOKEN). */
  token: string;
  /** Messages it accepted, once each. */
  pushed: Array<{ to: string; messages: Array<{ type: string; text: string }>; retryKey: string }>;
  close(): Promise<void>;
}

/**
 * The LINE Messaging API's push endpoint on loopback (`POST /v2/bot/message/push`), as strict as the real one:
 * 401 without its channel access token, 400 for a message with no recipient or text, 409 for a retry key it
 * has already accepted (the message is not delivered twice), else 200 `{}`.
 */
export async function fakeLineMessaging(token = 'line-channel-token-e2e'): Promise<FakeLineMessaging> {
  const pushed: FakeLineMessaging['pushed'] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown = {}) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== '/v2/bot/message/push') return answer(404, { message: 'Not found' });
      if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { message: 'Authentication failed' });
      let body: { to?: unknown; messages?: Array<{ type?: unknown; text?: unknown }> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { message: 'The request body has 1 error(s)' });
      }
      const messages = Array.isArray(body.messages) ? body.messages : [];
      if (typeof body.to !== 'string' || !messages.length || messages.some((m) => typeof m.text !== 'string'))
        return answer(400, { message: 'The request body has 1 error(s)' });
      const retryKey = String(req.headers['x-line-retry-key'] ?? '');
      if (retryKey && pushed.some((p) => p.retryKey === retryKey))
        return answer(409, { message: 'The retry key is already accepted' });
      pushed.push({ to: body.to, messages: messages as FakeLineMessaging['pushed'][number]['messages'], retryKey });
      answer(200);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    pushed,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * LINE's APIs on loopback, as a member's phone and the official account meet them: the Messaging API's reply
 * endpoint (kept), and LINE Login's token endpoint, which trades a code it issued (`issueCode`) for an ID token
 * signed HS256 with the channel secret, as LINE does for web login. A code is good once, for its redirect_uri.
 */
export interface FakeLine {
  url: string;
  replies: Array<{ authorization: string | undefined; replyToken: string; messages: Array<Record<string, unknown>> }>;
  /** A code LINE would hand the browser after she agreed; the ID token carries these claims (overridable). */
  issueCode(claims: { sub: string; nonce: string } & Record<string, unknown>, opts?: { secret?: string }): string;
  tokenRequests: Array<Record<string, string>>;
  /** The authorize page: who she signs in to LINE as (then she agrees at once and is sent back with a code). */
  signedInAs: string | null;
  close(): Promise<void>;
}

export async function fakeLine(login: { channelId: string; channelSecret: string }): Promise<FakeLine> {
  const replies: FakeLine['replies'] = [];
  const tokenRequests: FakeLine['tokenRequests'] = [];
  const codes = new Map<string, { claims: Record<string, unknown>; secret: string }>();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const idToken = (claims: Record<string, unknown>, secret: string) => {
    const now = Math.floor(Date.now() / 1000);
    const head = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64({
      iss: 'https://access.line.me',
      aud: login.channelId,
      iat: now,
      exp: now + 3600,
      amr: ['linesso'],
      name: 'LINE ユーザー',
      ...claims,
    })}`;
    return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
  };
  const state = { signedInAs: null as string | null };
  const issue = (claims: { sub: string; nonce: string } & Record<string, unknown>, secret = login.channelSecret) => {
    const code = randomBytes(10).toString('hex');
    codes.set(code, { claims, secret });
    return code;
  };
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const json = (status: number, v: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      if (req.url?.startsWith('/oauth2/v2.1/authorize')) {
        const q = new URL(req.url, 'http://line.local').searchParams;
        const back = new URL(q.get('redirect_uri') ?? '');
        if (q.get('client_id') !== login.channelId || !state.signedInAs)
          back.searchParams.set('error', 'access_denied');
        else {
          back.searchParams.set('code', issue({ sub: state.signedInAs, nonce: q.get('nonce') ?? '' }));
          back.searchParams.set('state', q.get('state') ?? '');
        }
        return res.writeHead(302, { location: back.toString() }).end();
      }
      if (req.url === '/v2/bot/message/reply') {
        const b = JSON.parse(body) as { replyToken: string; messages: Array<Record<string, unknown>> };
        replies.push({ authorization: req.headers.authorization, ...b });
        return json(200, {});
      }
      if (req.url === '/oauth2/v2.1/token') {
        const form = Object.fromEntries(new URLSearchParams(body));
        tokenRequests.push(form);
        const issued = codes.get(form.code ?? '');
        if (
          form.grant_type !== 'authorization_code' ||
          form.client_id !== login.channelId ||
          form.client_secret !== login.channelSecret ||
          !issued
        )
          return json(400, { error: 'invalid_grant', error_description: 'invalid authorization code' });
        codes.delete(form.code!);
        return json(200, {
          access_token: `at_${randomBytes(8).toString('hex')}`,
          token_type: 'Bearer',
          expires_in: 2592000,
          scope: 'profile openid',
          id_token: idToken(issued.claims, issued.secret),
        });
      }
      json(404, { message: 'Not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    replies,
    tokenRequests,
    issueCode: (claims, opts = {}) => issue(claims, opts.secret),
    get signedInAs() {
      return state.signedInAs;
    },
    set signedInAs(v) {
      state.signedInAs = v;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
