import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { DeliveryError, type ClaimedMessage } from '../../platform/outbox.ts';
import { smtpChannel } from './email.ts';

/** Just enough of an SMTP server to accept one message (no STARTTLS, no AUTH). */
async function fakeSmtp() {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const server = createServer((sock) => {
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
        else if (cmd === 'MAIL') (cur.from = line), sock.write('250 OK\r\n');
        else if (cmd === 'RCPT') cur.to.push(line), sock.write('250 OK\r\n');
        else if (cmd === 'DATA') (inData = true), sock.write('354 go ahead\r\n');
        else if (cmd === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, messages, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** An SMTP server that accepts the connection and never says a word. */
async function silentSmtp() {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((sock) => void sockets.add(sock));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

const mail = (id: number, template: string, payload: Record<string, unknown> = {}): ClaimedMessage => ({ id, channel: 'email', recipient: 'hanako@example.jp', template, payload, attempt: 1, createdAt: new Date() });
const ctx = { signal: new AbortController().signal };

describe('notifications: SMTP channel', () => {
  it('sends the rendered Japanese e-mail through SMTP_URL, one Message-ID per message', async () => {
    const smtp = await fakeSmtp();
    const channel = smtpChannel({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Musubi <no-reply@musubi.test>' });
    try {
      await channel.send(mail(7, 'order_cancelled', { number: 'W-1001' }), ctx);
      expect(smtp.messages).toHaveLength(1);
      const m = smtp.messages[0]!;
      expect(m.from).toContain('no-reply@musubi.test');
      expect(m.to[0]).toContain('hanako@example.jp');
      expect(m.data).toMatch(/^Subject: =\?UTF-8\?/m); // Japanese subject, MIME-encoded
      expect(m.data).toContain('X-Musubi-Outbox: 7');
      expect(m.data).toContain('Message-ID: <outbox-7@musubi>');
      // A template we do not have will never render: a dead letter at once, not ten retries.
      const err = await channel.send(mail(8, 'nope'), ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err).toMatchObject({ permanent: true, message: expect.stringMatching(/no e-mail template/) });
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  it('gives up on a server that accepts and never answers within the timeout (retried later, not permanent)', async () => {
    const silent = await silentSmtp();
    const channel = smtpChannel({ url: `smtp://127.0.0.1:${silent.port}`, from: 'Musubi <no-reply@musubi.test>', timeoutMs: 300 });
    try {
      const started = Date.now();
      const err = await channel.send(mail(9, 'order_cancelled', { number: 'W-1002' }), ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err).toMatchObject({ permanent: false });
      expect(Date.now() - started).toBeLessThan(5_000); // the greeting timeout, not nodemailer's default 30 s
    } finally {
      channel.close();
      await silent.close();
    }
  });
});

describe('notifications: config', () => {
  it('reads SMTP_URL and MAIL_FROM; rejects a URL that is not smtp(s)://', () => {
    const c = loadConfig({ SMTP_URL: 'smtp://user:pass@mail.example.jp:587', MAIL_FROM: 'Shop <shop@example.jp>' });
    expect(c).toMatchObject({ smtpUrl: 'smtp://user:pass@mail.example.jp:587', mailFrom: 'Shop <shop@example.jp>', webhookMaxAttempts: 8 });
    expect(loadConfig({}).smtpUrl).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.jp' })).toThrow(/SMTP_URL/);
  });
});
