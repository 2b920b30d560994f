import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import {
  clickPath,
  ensureVapidKeys,
  isPushEndpoint,
  lineText,
  linkKeys,
  pushChannel,
  smtpChannel,
  withConsentCheck,
} from '../notifications/service.ts';
import {
  createTestLocation,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { fakePushService, fakeSmtp, testBrowser, verifyVapid } from '../../test/partners.ts';
import { sendCampaign } from './campaigns.ts';
import { addIdentifiers } from '../customers/service.ts';
import type { Channel, ClaimedMessage } from '../../platform/outbox.ts';

// The test's push service is a local HTTP receiver (a real one is https): allowed on loopback for tests only.
process.env.PUSH_ALLOW_LOOPBACK_HTTP = '1';

const SHOP = 'https://shop.example.jp';
/** Noon in Tokyo today: outside quiet hours, so push leaves at once. */
const noon = () => new Date(new Date().toISOString().slice(0, 10) + 'T03:00:00Z');

let worlds = 0;
/** Members living by a store of their own (so the segment holds this test's members only), and an owner. */
async function world(app: TestApp, n: number) {
  const db = app.server.database.db;
  const lat = 20 + 0.5 * ++worlds;
  const storeId = await createTestLocation(app, { name: '渋谷店', lat, lng: 139.7 });
  const members = [];
  for (let i = 0; i < n; i++) {
    const r = await registerCustomer(app, { name: `会員 ${i}` });
    await db.execute(sql`UPDATE customers SET home_location_id = ${storeId} WHERE id = ${r.customer.id}`);
    members.push({ id: r.customer.id, token: r.token, email: r.customer.email });
  }
  const segment = await app.api('POST', '/api/segments', {
    body: { name: '渋谷店の近く', rules: { conditions: [{ field: 'near_store', locationId: storeId, km: 1 }] } },
  });
  expect(segment.statusCode, segment.body).toBe(201);
  const owner = await newStaff(app, 'owner', []);
  const principal = {
    kind: 'staff' as const,
    staffId: owner.id,
    name: 'オーナー',
    role: 'owner' as const,
    locationIds: [],
  };
  return { members, segmentId: segment.json().id as string, principal };
}

async function campaign(app: TestApp, segmentId: string) {
  const res = await app.api('POST', '/api/campaigns', {
    body: {
      name: '雨の日クーポン',
      segmentId,
      title: '雨の日は渋谷店へ',
      body: '本日ご来店の方に、レジで使えるクーポンをお届けします。',
      link: '/shop/coupons',
      holdoutPercent: 0,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const progressOf = async (app: TestApp, id: string) => {
  const res = await app.api('GET', `/api/campaigns/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().progress as {
    channels: Array<{ channel: string; sent: number; failed: number; clicked: number }>;
  };
};

describeEachDatabase('campaigns on Web Push, e-mail unsubscribe and link clicks', (ctx) => {
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

  it('an e-mail carries one-click unsubscribe (RFC 8058); posting it withdraws her e-mail consent, a forged link is refused', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app, 2);
    for (const m of w.members) {
      const res = await app.api('PUT', '/api/account/consents', {
        token: m.token,
        body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }] },
      });
      expect(res.statusCode).toBeLessThan(300);
    }
    const id = await campaign(app, w.segmentId);
    await sendCampaign(db, w.principal, id, { now: noon(), publicUrl: SHOP });
    const smtp = await fakeSmtp();
    const channel = smtpChannel({ url: smtp.url, from: 'Musubi <no-reply@musubi.test>' });
    try {
      const keys = linkKeys(app.server.secret);
      await deliverOutbox(db, { email: withConsentCheck(db, channel, 'email', { keys, publicUrl: SHOP }) });
      const mail = smtp.messages.find((m) => m.to[0]?.includes(w.members[0]!.email));
      expect(mail).toBeDefined();
      const headers = mail!.data.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      const unsub = /^List-Unsubscribe: <(https:\/\/shop\.example\.jp\/api\/unsubscribe\?t=[^>]+)>$/m.exec(headers);
      expect(unsub).not.toBeNull();
      const path = unsub![1]!.slice(SHOP.length);

      // The link in the text goes through the click-through, for e-mail.
      const text = mail!.data
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      const tracked = /https:\/\/shop\.example\.jp(\/api\/r\?t=[A-Za-z0-9_.-]+)/.exec(text);
      expect(tracked).not.toBeNull();
      const click = await app.api('GET', tracked![1]!, { token: null });
      expect(click.statusCode).toBe(302);
      expect((await progressOf(app, id)).channels.find((c) => c.channel === 'email')).toMatchObject({
        sent: 2,
        clicked: 1,
      });

      // Opening the link only asks; a mail provider's one-click POST (no session) withdraws.
      const page = await app.api('GET', path, { token: null });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('配信を停止する');
      const post = await app.api('POST', path, {
        token: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(post.statusCode).toBe(200);
      const consents = await app.api('GET', '/api/account/consents', { token: w.members[0]!.token });
      expect(consents.json().items).toContainEqual(
        expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: false }),
      );
      expect(consents.json().history[0]).toMatchObject({
        channel: 'email',
        granted: false,
        source: 'unsubscribe_link',
      });
      const other = await app.api('GET', '/api/account/consents', { token: w.members[1]!.token });
      expect(other.json().items).toContainEqual(
        expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: true }),
      );

      // A token changed by one character, or made up, is refused.
      const t = new URL(unsub![1]!).searchParams.get('t')!;
      const forged = `${t.slice(0, -2)}${t.endsWith('A') ? 'BB' : 'AA'}`;
      for (const bad of [forged, 'nope', `${Buffer.from('["x","email"]').toString('base64url')}.AAAA`]) {
        const res = await app.api('POST', `/api/unsubscribe?t=${encodeURIComponent(bad)}`, { token: null });
        expect(res.statusCode, bad).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  it('a LINE message links through the click-through, counted for LINE', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app, 1);
    const aiko = w.members[0]!;
    await addIdentifiers(db, aiko.id, [['line', `U${aiko.id.slice(-16).padEnd(32, '0')}`]]);
    const res = await app.api('PUT', '/api/account/consents', {
      token: aiko.token,
      body: { items: [{ channel: 'line', purpose: 'marketing', granted: true }] },
    });
    expect(res.statusCode).toBeLessThan(300);
    const id = await campaign(app, w.segmentId);
    await sendCampaign(db, w.principal, id, { now: noon(), publicUrl: SHOP });
    const sent: ClaimedMessage[] = [];
    const capture: Channel = { send: async (m) => void sent.push(m), lane: 'channel', concurrency: 4 };
    const keys = linkKeys(app.server.secret);
    await deliverOutbox(db, { line: withConsentCheck(db, capture, 'line', { keys, publicUrl: SHOP }) });
    const mine = sent.find((m) => m.payload.key === `campaign:${id}`);
    const text = lineText('campaign', mine!.payload)!;
    const url = /https:\/\/shop\.example\.jp(\/api\/r\?t=\S+)/.exec(text);
    expect(url).not.toBeNull();
    expect((await app.api('GET', url![1]!, { token: null })).headers.location).toBe('/shop/coupons');
    expect((await progressOf(app, id)).channels.find((c) => c.channel === 'line')).toMatchObject({
      sent: 1,
      clicked: 1,
    });
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

  it('the click-through is never an open redirect: a forged token or a link off this site is refused', async () => {
    const app = ctx();
    const keys = linkKeys(app.server.secret);
    const other = linkKeys('another-secret-0123456789');
    const signed = (k: typeof keys, link: string) =>
      clickPath(k, { key: 'campaign:cmp_x', customerId: 'cus_x', channel: 'line', link });
    for (const path of [
      signed(keys, '//evil.example/x'),
      signed(keys, 'https://evil.example/'),
      signed(keys, '/\\evil.example'),
      signed(other, '/shop'),
      '/api/r?t=garbage',
    ]) {
      const res = await app.api('GET', path, { token: null });
      expect(res.statusCode, path).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    const ok = await app.api('GET', signed(keys, '/shop?from=line'), { token: null });
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toBe('/shop?from=line');
  });
});
