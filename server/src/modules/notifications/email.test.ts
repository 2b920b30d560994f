import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { DeliveryError, type ClaimedMessage } from '../../platform/outbox.ts';
import { smtpChannel } from './email.ts';
import { vapidSubject } from './vapid.ts';
import { fakeSmtp } from '../../test/partners.ts';

const mail = (id: number, template: string, payload: Record<string, unknown> = {}): ClaimedMessage => ({
  id,
  channel: 'email',
  recipient: 'hanako@example.jp',
  template,
  payload,
  attempt: 1,
  createdAt: new Date(),
});
const ctx = { signal: new AbortController().signal };

describe('notifications: SMTP channel', () => {
  it('sends the rendered Japanese e-mail through SMTP_URL, one Message-ID per message', async () => {
    const smtp = await fakeSmtp();
    const channel = smtpChannel({
      url: `smtp://127.0.0.1:${smtp.port}`,
      from: 'Musubi <no-reply@musubi.test>',
      brand: async () => '結び商事',
    });
    try {
      await channel.send(mail(7, 'order_cancelled', { number: 'W-1001' }), ctx);
      expect(smtp.messages).toHaveLength(1);
      const m = smtp.messages[0]!;
      // The shop's own name in the subject (RFC 2047 encoded words, decoded here).
      const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m
        .exec(m.data)![1]!
        .split(/\s+/)
        .map((w) => /^=\?UTF-8\?B\?(.*)\?=$/i.exec(w)?.[1])
        .filter((b): b is string => !!b)
        .map((b) => Buffer.from(b, 'base64'));
      expect(Buffer.concat(subject).toString('utf8')).toBe('【結び商事】ご注文 W-1001 はキャンセルされました');
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
    const silent = await fakeSmtp({ silentConnections: 1 });
    const channel = smtpChannel({ url: silent.url, from: 'Musubi <no-reply@musubi.test>', timeoutMs: 300 });
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
    expect(c).toMatchObject({
      smtpUrl: 'smtp://user:pass@mail.example.jp:587',
      mailFrom: 'Shop <shop@example.jp>',
      webhookMaxAttempts: 8,
    });
    expect(loadConfig({}).smtpUrl).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.jp' })).toThrow(/SMTP_URL/);
  });

  it('reads the Web Push keys and subject; loopback http push endpoints only when asked for', () => {
    const c = loadConfig({ VAPID_SUBJECT: 'mailto:shop@example.jp' });
    expect(c.vapid).toEqual({ publicKey: undefined, privateKey: undefined, subject: 'mailto:shop@example.jp' });
    expect(c.pushAllowLoopbackHttp).toBe(false);
    expect(loadConfig({ PUSH_ALLOW_LOOPBACK_HTTP: '1' }).pushAllowLoopbackHttp).toBe(true);
    expect(() => loadConfig({ VAPID_SUBJECT: 'http://shop.example.jp' })).toThrow(/VAPID_SUBJECT/);
    expect(vapidSubject({ publicUrl: 'https://shop.example.jp', mailFrom: 'x' })).toBe('https://shop.example.jp');
    expect(vapidSubject({ publicUrl: 'http://localhost:3000', mailFrom: 'Shop <shop@example.jp>' })).toBe(
      'mailto:shop@example.jp',
    );
  });
});
