import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import { ensureVapidKeys, isPushEndpoint, linkKeys, pushChannel, withConsentCheck } from '../notifications/service.ts';
import { describeEachDatabase, registerCustomer } from '../../test/harness.ts';
import { fakePushService, testBrowser, verifyVapid } from '../../test/partners.ts';
import { sendCampaign } from './campaigns.ts';
import { campaign, noon, progressOf, world } from './campaign-world.ts';

// The test's push service is a local HTTP receiver (a real one is https): allowed on loopback for tests only.
process.env.PUSH_ALLOW_LOOPBACK_HTTP = '1';

describeEachDatabase('campaigns on Web Push', (ctx) => {
  it('a member subscribes her browser; the campaign reaches it encrypted for it alone, and her click is counted once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const service = await fakePushService((path) => (path.startsWith('/gone') ? 410 : 201));
    try {
      const w = await world(app, 3);
      const [aiko, yuki, quitter] = w.members as [(typeof w.members)[0], (typeof w.members)[0], (typeof w.members)[0]];
      const key = await app.api('GET', '/api/push/public-key', { token: null });
      expect(key.statusCode).toBe(200);
      const publicKey = key.json().publicKey as string;
      expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);

      // Aiko: her phone; Yuki: a browser that has since unsubscribed at the push service; the third withdraws.
      const phone = testBrowser();
      const subscribe = (token: string, endpoint: string, keys = testBrowser().keys) =>
        app.api('POST', '/api/account/push-subscriptions', {
          token,
          body: { endpoint, keys },
          headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' },
        });
      expect((await subscribe(aiko.token, `${service.url}/push/aiko`, phone.keys)).statusCode).toBe(201);
      expect((await subscribe(yuki.token, `${service.url}/gone/yuki`)).statusCode).toBe(201);
      expect((await subscribe(quitter.token, `${service.url}/push/quitter`)).statusCode).toBe(201);
      // Subscribing is her yes to push offers, recorded as such.
      const consents = await app.api('GET', '/api/account/consents', { token: aiko.token });
      expect(consents.json().items).toContainEqual(
        expect.objectContaining({ channel: 'push', purpose: 'marketing', granted: true }),
      );
      expect(consents.json().history[0]).toMatchObject({ channel: 'push', source: 'push_subscribe' });
      const withdraw = await app.api('PUT', '/api/account/consents', {
        token: quitter.token,
        body: { items: [{ channel: 'push', purpose: 'marketing', granted: false }] },
      });
      expect(withdraw.statusCode).toBeLessThan(300);

      const id = await campaign(app, w.segmentId);
      const sent = await sendCampaign(db, w.principal, id, { now: noon() });
      expect(sent.counts).toMatchObject({ audience: 3, inbox: 3, push: 2 });

      const vapid = await ensureVapidKeys(app.server.database, { subject: 'mailto:shop@example.jp' }, 'memory');
      const keys = linkKeys(app.server.secret);
      const push = withConsentCheck(db, pushChannel(db, { vapid, allowLoopbackHttp: true }), 'push', {
        keys,
        publicUrl: undefined,
      });
      await deliverOutbox(db, { push });

      const toAiko = service.received.filter((r) => r.path === '/push/aiko');
      expect(toAiko).toHaveLength(1);
      const req = toAiko[0]!;
      expect(req.headers['content-encoding']).toBe('aes128gcm');
      expect(Number(req.headers.ttl)).toBeGreaterThan(0);
      expect(verifyVapid(req.headers.authorization, publicKey)).toMatchObject({ aud: service.url });
      // Only her browser can read it; someone else's keys cannot.
      expect(() => testBrowser().decrypt(req.body)).toThrow();
      const message = JSON.parse(phone.decrypt(req.body)) as { title: string; body: string; url: string };
      expect(message).toMatchObject({
        title: '雨の日は渋谷店へ',
        body: '本日ご来店の方に、レジで使えるクーポンをお届けします。',
      });
      expect(message.url).toMatch(/^\/api\/r\?t=/);

      // Yuki's browser is gone (410): her subscription is deleted and the message given up at once.
      const [gone] = await query<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM push_subscriptions WHERE customer_id = ${yuki.id}`,
      );
      expect(gone?.n).toBe(0);
      expect(service.received.some((r) => r.path === '/push/quitter')).toBe(false);

      // Aiko taps it twice: sent on to the page, counted once.
      for (let i = 0; i < 2; i++) {
        const click = await app.api('GET', message.url, { token: null });
        expect(click.statusCode).toBe(302);
        expect(click.headers.location).toBe('/shop/coupons');
      }
      const progress = await progressOf(app, id);
      expect(progress.channels.find((c) => c.channel === 'push')).toMatchObject({ sent: 1, failed: 1, clicked: 1 });

      // She stops push on this phone.
      const stop = await app.api('DELETE', '/api/account/push-subscriptions', {
        token: aiko.token,
        body: { endpoint: `${service.url}/push/aiko` },
      });
      expect(stop.statusCode).toBe(204);
      const again = await app.api('DELETE', '/api/account/push-subscriptions', {
        token: aiko.token,
        body: { endpoint: `${service.url}/push/aiko` },
      });
      expect(again.statusCode).toBe(404);
    } finally {
      await service.close();
    }
  });

  it('refuses a push endpoint that is not a push service’s https address, and keys that are not keys', async () => {
    const app = ctx();
    const m = await registerCustomer(app);
    const keys = testBrowser().keys;
    for (const endpoint of [
      'http://push.example.com/x',
      'https://user:pw@push.example.com/x',
      'ftp://push.example.com/x',
      'javascript:alert(1)//',
      'http://10.0.0.1/x',
      'https://10.0.0.1/x',
    ]) {
      const res = await app.api('POST', '/api/account/push-subscriptions', {
        token: m.token,
        body: { endpoint, keys },
      });
      expect(res.statusCode, endpoint).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // In production (no loopback allowed) this machine is never a push service, whatever the scheme.
    for (const endpoint of ['https://localhost/x', 'https://[::1]/x', 'http://127.0.0.1:9/x', 'https://[fd00::1]/x'])
      expect(isPushEndpoint(endpoint, false), endpoint).toBe(false);
    expect(isPushEndpoint('https://fcm.googleapis.com/fcm/send/abc', false)).toBe(true);
    const bad = await app.api('POST', '/api/account/push-subscriptions', {
      token: m.token,
      body: { endpoint: 'https://push.example.com/x', keys: { p256dh: 'AAAA', auth: keys.auth } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toContain('notifications.bad_push_keys');
    const staff = await app.api('POST', '/api/account/push-subscriptions', {
      body: { endpoint: 'https://push.example.com/x', keys },
    });
    expect(staff.statusCode).toBe(403);
  });

  it('push waits for the morning at night, like LINE; her export lists her browsers (never their keys) and erasure removes them', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app, 1);
    const aiko = w.members[0]!;
    const browser = testBrowser();
    const res = await app.api('POST', '/api/account/push-subscriptions', {
      token: aiko.token,
      body: { endpoint: 'https://push.example.com/send/aiko-phone', keys: browser.keys },
      headers: { 'user-agent': 'Mozilla/5.0 (Android)' },
    });
    expect(res.statusCode).toBe(201);
    const id = await campaign(app, w.segmentId);
    const night = new Date(noon().getTime() + 10 * 3600_000); // 22:00 in Tokyo
    await sendCampaign(db, w.principal, id, { now: night });
    const [row] = await query<{ next_attempt_at: Date }>(
      db,
      sql`SELECT next_attempt_at FROM outbox WHERE channel = 'push' AND dedupe_key LIKE ${`campaign:${id}:push:%`}`,
    );
    expect(new Date(row!.next_attempt_at).toISOString()).toBe(new Date(noon().getTime() + 20 * 3600_000).toISOString()); // 08:00

    const exported = await app.api('POST', '/api/account/export', { token: aiko.token });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().pushSubscriptions).toEqual([
      expect.objectContaining({
        endpoint: 'https://push.example.com/send/aiko-phone',
        userAgent: 'Mozilla/5.0 (Android)',
      }),
    ]);
    expect(exported.body).not.toContain(browser.keys.auth);
    const deleted = await app.api('POST', '/api/account/delete', {
      token: aiko.token,
      body: { password: 'sakura-password-2026' },
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json().erased).toMatchObject({ pushSubscriptions: 1 });
    const [left] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM push_subscriptions WHERE customer_id = ${aiko.id}`,
    );
    expect(left?.n).toBe(0);
  });

  it('a merge brings her other record’s browsers along, and undoing it takes them back', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const survivor = await registerCustomer(app, { name: '山田 愛子' });
    const other = await registerCustomer(app, { name: '山田 愛子' });
    const sub = await app.api('POST', '/api/account/push-subscriptions', {
      token: other.token,
      body: { endpoint: 'https://push.example.com/send/aiko-tablet', keys: testBrowser().keys },
    });
    expect(sub.statusCode).toBe(201);
    const owner = async () =>
      (
        await query<{ customer_id: string }>(
          db,
          sql`SELECT customer_id FROM push_subscriptions WHERE endpoint = 'https://push.example.com/send/aiko-tablet'`,
        )
      )[0]?.customer_id;
    const merge = await app.api('POST', `/api/customers/${survivor.customer.id}/merge`, {
      body: { otherId: other.customer.id, reason: '同一人物（店頭で確認）' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    expect(merge.json().moved).toMatchObject({ pushSubscriptions: 1 });
    expect(await owner()).toBe(survivor.customer.id);
    const undo = await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`);
    expect(undo.statusCode, undo.body).toBeLessThan(300);
    expect(await owner()).toBe(other.customer.id);
  });
});
