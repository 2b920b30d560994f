import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { smtpDeliverer } from './email.ts';

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

describe('notifications: SMTP deliverer', () => {
  it('sends the rendered Japanese e-mail through SMTP_URL', async () => {
    const smtp = await fakeSmtp();
    const deliver = smtpDeliverer(`smtp://127.0.0.1:${smtp.port}`, 'Musubi <no-reply@musubi.test>');
    try {
      await deliver({ id: 7, channel: 'email', recipient: 'hanako@example.jp', template: 'order_cancelled', payload: { number: 'W-1001' } }, { tx: undefined as never });
      expect(smtp.messages).toHaveLength(1);
      const m = smtp.messages[0]!;
      expect(m.from).toContain('no-reply@musubi.test');
      expect(m.to[0]).toContain('hanako@example.jp');
      expect(m.data).toMatch(/^Subject: =\?UTF-8\?/m); // Japanese subject, MIME-encoded
      expect(m.data).toContain('X-Musubi-Outbox: 7');
      await expect(deliver({ id: 8, channel: 'email', recipient: 'x@example.jp', template: 'nope', payload: {} }, { tx: undefined as never })).rejects.toThrow(/no e-mail template/);
    } finally {
      deliver.close();
      await smtp.close();
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
