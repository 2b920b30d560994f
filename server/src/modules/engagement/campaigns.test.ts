import { heldOut } from './campaign-world.ts';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import type { Channel, OutboxMessage } from '../../platform/outbox.ts';
import { addIdentifiers } from '../customers/service.ts';
import { withConsentCheck } from '../notifications/service.ts';
import {
  createTestLocation,
  createTestProduct,
  receive,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { newId } from '../../platform/ids.ts';
import { quietUntil, sendCampaign } from './campaigns.ts';
import { sendDueCampaigns } from './schedule.ts';

interface Member {
  id: string;
  token: string;
  email: string;
  memberNumber: string;
}

/** A store and ten members living by it: the first six agreed to e-mail offers, the first four linked LINE and agreed to LINE offers. */
let worlds = 0;
async function world(app: TestApp) {
  const db = app.server.database.db;
  // Each test's store 50 km from the others', so each segment holds that test's ten members only.
  const store = await createTestLocation(app, { name: '渋谷店', lat: 30 + 0.5 * ++worlds, lng: 139.7041 });
  const members: Member[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await registerCustomer(app, { name: `会員 ${i}` });
    await db.execute(sql`UPDATE customers SET home_location_id = ${store} WHERE id = ${r.customer.id}`);
    const items = [
      ...(i < 6 ? [{ channel: 'email', purpose: 'marketing', granted: true }] : []),
      ...(i < 4 ? [{ channel: 'line', purpose: 'marketing', granted: true }] : []),
    ];
    if (items.length) {
      const res = await app.api('PUT', '/api/account/consents', { token: r.token, body: { items } });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    if (i < 4) await addIdentifiers(db, r.customer.id, [['line', `U${randomBytes(16).toString('hex')}`]]);
    members.push({ id: r.customer.id, token: r.token, email: r.customer.email, memberNumber: r.customer.memberNumber });
  }
  const segment = await app.api('POST', '/api/segments', {
    body: { name: '渋谷店の近く', rules: { conditions: [{ field: 'near_store', locationId: store, km: 1 }] } },
  });
  expect(segment.statusCode, segment.body).toBe(201);
  return { store, members, segmentId: segment.json().id as string };
}

async function draft(app: TestApp, segmentId: string, extra: Record<string, unknown> = {}) {
  const res = await app.api('POST', '/api/campaigns', {
    body: {
      name: '雨の日クーポン',
      segmentId,
      title: '雨の日は渋谷店へ',
      body: '本日ご来店の方に、レジで使えるクーポンをお届けします。',
      link: '/shop',
      ...extra,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** A draft whose draw holds out at least one of the members and leaves at least two treated (ids are random). */
async function draftWithBothGroups(app: TestApp, w: { segmentId: string; members: Member[] }, percent: number) {
  for (;;) {
    const id = await draft(app, w.segmentId, { holdoutPercent: percent });
    const held = w.members.filter((m) => heldOut(id, m.id, percent)).length;
    if (held >= 1 && w.members.length - held >= 2) return id;
    await app.api('DELETE', `/api/campaigns/${id}`);
  }
}

async function recipients(app: TestApp, campaignId: string) {
  return query<{ customer_id: string; status: string }>(
    app.server.database.db,
    sql`SELECT customer_id, status FROM campaign_recipients WHERE campaign_id = ${campaignId}`,
  );
}

async function outboxOf(app: TestApp, campaignId: string) {
  return query<{ channel: string; recipient: string; next_attempt_at: Date; payload: { customerId: string } }>(
    app.server.database.db,
    sql`SELECT channel, recipient, next_attempt_at, payload FROM outbox WHERE dedupe_key LIKE ${`campaign:${campaignId}:%`}`,
  );
}

describeEachDatabase('campaigns: a message to a segment, with a holdout, consent, quiet hours and a cap', (ctx) => {
  it('sends once: the holdout gets nothing, the rest an inbox notice, e-mail and LINE only where she agreed', async () => {
    const app = ctx();
    const w = await world(app);
    const id = await draftWithBothGroups(app, w, 30);
    const sent = await app.api('POST', `/api/campaigns/${id}/send`, { headers: { 'idempotency-key': `send-${id}` } });
    expect(sent.statusCode, sent.body).toBe(200);
    const counts = sent.json().counts;
    expect(counts.audience).toBe(10);
    expect(counts.holdout + counts.queued + counts.capped).toBe(10);
    const rows = await recipients(app, id);
    // The draw is stable: the members held out are exactly those the campaign's hash puts there.
    expect(
      rows
        .filter((r) => r.status === 'holdout')
        .map((r) => r.customer_id)
        .sort(),
    ).toEqual(
      w.members
        .filter((m) => heldOut(id, m.id, 30))
        .map((m) => m.id)
        .sort(),
    );
    const queued = new Set(rows.filter((r) => r.status === 'queued').map((r) => r.customer_id));
    const held = rows.filter((r) => r.status === 'holdout').map((r) => r.customer_id);
    expect(queued.size).toBe(counts.queued);
    expect(counts.inbox).toBe(counts.queued);

    // Her inbox: the notice, with the marketer's words and the link; a holdout member's is empty.
    for (const m of w.members) {
      const inbox = (await app.api('GET', '/api/account/notifications', { token: m.token })).json();
      const notices = inbox.items.filter((n: { kind: string }) => n.kind === 'campaign');
      expect(notices.length).toBe(queued.has(m.id) ? 1 : 0);
      if (notices.length)
        expect(notices[0]).toMatchObject({
          title: '雨の日は渋谷店へ',
          payload: expect.objectContaining({ link: '/shop' }),
        });
    }
    // E-mail: only to the queued among the first six; LINE: the queued among the first four.
    const out = await outboxOf(app, id);
    const wantEmail = w.members.slice(0, 6).filter((m) => queued.has(m.id));
    const wantLine = w.members.slice(0, 4).filter((m) => queued.has(m.id));
    expect(
      out
        .filter((o) => o.channel === 'email')
        .map((o) => o.recipient)
        .sort(),
    ).toEqual(wantEmail.map((m) => m.email).sort());
    expect(out.filter((o) => o.channel === 'line').length).toBe(wantLine.length);
    expect(out.some((o) => held.includes(o.payload.customerId))).toBe(false);

    // Once: a second send is refused, and so is changing what was sent; a retry of the same request replays.
    const again = await app.api('POST', `/api/campaigns/${id}/send`, { headers: { 'accept-language': 'en' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'engagement.campaign_sent' });
    const replay = await app.api('POST', `/api/campaigns/${id}/send`, { headers: { 'idempotency-key': `send-${id}` } });
    expect(replay.statusCode).toBe(200);
    expect((await app.api('PATCH', `/api/campaigns/${id}`, { body: { title: '変更' } })).statusCode).toBe(409);
    expect((await outboxOf(app, id)).length).toBe(out.length);

    // Its page: the inbox notices delivered and read.
    const reader = w.members.find((m) => queued.has(m.id))!;
    const mine = (await app.api('GET', '/api/account/notifications', { token: reader.token })).json().items[0];
    await app.api('POST', `/api/account/notifications/${mine.id}/read`, { token: reader.token });
    const page = (await app.api('GET', `/api/campaigns/${id}`)).json();
    expect(page.progress.inbox).toEqual({ delivered: counts.queued, read: 1 });
    expect(page.progress.channels.find((c: { channel: string }) => c.channel === 'email')).toMatchObject({
      waiting: wantEmail.length,
      sent: 0,
    });
  });

  it('holds LINE during quiet hours (21:00–08:00 in Japan) until 08:00; e-mail goes at once', async () => {
    expect(quietUntil(new Date('2026-12-04T03:00:00Z'))).toBeNull(); // 12:00 JST
    expect(quietUntil(new Date('2026-12-04T12:30:00Z'))?.toISOString()).toBe('2026-12-04T23:00:00.000Z'); // 21:30 → 08:00
    expect(quietUntil(new Date('2026-12-04T20:00:00Z'))?.toISOString()).toBe('2026-12-04T23:00:00.000Z'); // 05:00 → 08:00
    expect(quietUntil(new Date('2026-12-04T23:00:00Z'))).toBeNull(); // 08:00 sharp

    const app = ctx();
    const w = await world(app);
    const id = await draft(app, w.segmentId, { holdoutPercent: 0 });
    const owner = await newStaff(app, 'owner', []);
    const principal = {
      kind: 'staff' as const,
      staffId: owner.id,
      name: 'オーナー',
      role: 'owner' as const,
      locationIds: [],
    };
    const night = new Date(Date.now() + 0);
    const tokyoHour = new Date(night.getTime() + 9 * 3600_000).getUTCHours();
    const at = tokyoHour >= 8 && tokyoHour < 21 ? new Date(night.getTime() + (21 - tokyoHour) * 3600_000) : night;
    await sendCampaign(app.server.database.db, principal, id, { now: at, publicUrl: 'https://shop.example.jp' });
    const out = await outboxOf(app, id);
    const line = out.filter((o) => o.channel === 'line');
    expect(line).toHaveLength(4);
    for (const o of line) expect(new Date(o.next_attempt_at).getTime()).toBe(quietUntil(at)!.getTime());
    for (const o of out.filter((x) => x.channel === 'email'))
      expect(new Date(o.next_attempt_at).getTime()).toBeLessThanOrEqual(Date.now());
    expect(out[0]!.payload).toMatchObject({ url: 'https://shop.example.jp/shop' });
  });

  it('never more than two marketing messages per member in seven days, across campaigns', async () => {
    const app = ctx();
    const w = await world(app);
    const counts = [];
    for (let i = 0; i < 3; i++) {
      const id = await draft(app, w.segmentId, { holdoutPercent: 0, name: `連続 ${i}` });
      const res = await app.api('POST', `/api/campaigns/${id}/send`);
      expect(res.statusCode, res.body).toBe(200);
      counts.push(res.json().counts);
    }
    expect(counts.map((c) => [c.queued, c.capped])).toEqual([
      [10, 0],
      [10, 0],
      [0, 10],
    ]);
    expect(counts[2].inbox).toBe(0);
  });

  it('a withdrawn consent stops a message already queued', async () => {
    const app = ctx();
    const w = await world(app);
    const id = await draft(app, w.segmentId, { holdoutPercent: 0 });
    expect((await app.api('POST', `/api/campaigns/${id}/send`)).statusCode).toBe(200);
    const quitter = w.members[0]!;
    const res = await app.api('PUT', '/api/account/consents', {
      token: quitter.token,
      body: { items: [{ channel: 'email', purpose: 'marketing', granted: false }] },
    });
    expect(res.statusCode).toBeLessThan(300);
    const sent: OutboxMessage[] = [];
    const capture: Channel = { send: async (m) => void sent.push(m), lane: 'channel', concurrency: 4 };
    const db = app.server.database.db;
    await deliverOutbox(db, { email: withConsentCheck(db, capture, 'email') });
    const mine = sent.filter((m) => m.template === 'campaign' && m.payload.key === `campaign:${id}`);
    expect(mine.map((m) => m.recipient).sort()).toEqual(
      w.members
        .slice(1, 6)
        .map((m) => m.email)
        .sort(),
    );
    const [given] = await query<{ dead_at: Date | null; last_error: string | null }>(
      db,
      sql`SELECT dead_at, last_error FROM outbox WHERE dedupe_key = ${`campaign:${id}:email:${quitter.id}`}`,
    );
    expect(given?.dead_at).not.toBeNull();
    expect(given?.last_error).toContain('consent');
  });

  it('refuses a link to another site, a holdout over half, an unknown segment; head office only', async () => {
    const app = ctx();
    const w = await world(app);
    const bad = async (extra: Record<string, unknown>) => {
      const res = await app.api('POST', '/api/campaigns', {
        body: { name: 'x', segmentId: w.segmentId, title: 't', body: 'b', ...extra },
      });
      return { status: res.statusCode, fields: (res.json().errors ?? []).map((e: { field: string }) => e.field) };
    };
    expect(await bad({ link: 'https://evil.example/' })).toEqual({ status: 400, fields: ['link'] });
    expect(await bad({ link: '//evil.example/x' })).toEqual({ status: 400, fields: ['link'] });
    expect(await bad({ link: '/\\evil.example' })).toEqual({ status: 400, fields: ['link'] });
    expect(await bad({ holdoutPercent: 60 })).toEqual({ status: 400, fields: ['holdoutPercent'] });
    expect((await bad({ segmentId: 'seg_nothing' })).status).toBe(404);
    expect((await bad({ link: '/shop/products/prd_1?utm=rain' })).status).toBe(201);
    // A segment a campaign uses stays.
    const drop = await app.api('DELETE', `/api/segments/${w.segmentId}`);
    expect(drop.statusCode).toBe(409);
    expect(drop.json()).toMatchObject({ code: 'engagement.segment_in_use' });
    const manager = await newStaff(app, 'store_manager', [w.store]);
    const refused = await app.api('POST', '/api/campaigns', {
      token: manager.token,
      body: { name: 'x', segmentId: w.segmentId, title: 't', body: 'b' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('shows what it earned: her till sale attributed to the online message, lift against the holdout, last touch wins', async () => {
    const app = ctx();
    const w = await world(app);
    const { variantIds, jans } = await createTestProduct(app);
    await receive(app, variantIds[0]!, w.store, 50);
    const tillSale = async (m: Member) => {
      const res = await app.api('POST', '/api/pos/sales', {
        body: {
          locationId: w.store,
          lines: [{ jan: jans[0], quantity: 1 }],
          memberNumber: m.memberNumber,
          payments: [{ method: 'cash', amount: 1100, tendered: 1100 }],
          clientTransactionId: newId('till'),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    // Bought before the campaign: not its doing.
    await tillSale(w.members[0]!);
    const id = await draftWithBothGroups(app, w, 50);
    const early = await app.api('GET', `/api/campaigns/${id}/results`);
    expect(early.statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 5)); // the sending is after that sale, to the millisecond
    expect((await app.api('POST', `/api/campaigns/${id}/send`)).statusCode).toBe(200);
    const rows = await recipients(app, id);
    const treated = w.members.filter((m) => rows.find((r) => r.customer_id === m.id)?.status === 'queued');
    const held = w.members.filter((m) => rows.find((r) => r.customer_id === m.id)?.status === 'holdout');
    expect(treated.length).toBeGreaterThan(1);
    expect(held.length).toBeGreaterThan(0);
    // A treated member comes to the store and buys; a holdout member buys too (she was not messaged).
    await tillSale(treated[0]!);
    await tillSale(held[0]!);
    const res = await app.api('GET', `/api/campaigns/${id}/results`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.treated).toMatchObject({ members: treated.length, buyers: 1, spend: 1100 });
    expect(r.holdout).toMatchObject({ members: held.length, buyers: 1, spend: 1100 });
    expect(r.lift.conversion).toBeCloseTo(1 / treated.length - 1 / held.length, 3);
    expect(r.lift.conversionInterval[0]).toBeLessThan(r.lift.conversion);
    expect(r.lift.conversionInterval[1]).toBeGreaterThan(r.lift.conversion);
    expect(r.attributed).toMatchObject({
      orders: 1,
      sales: 1100,
      inStore: { orders: 1, sales: 1100 },
      byChannel: [{ channel: 'store', orders: 1, sales: 1100 }],
      byStore: [{ locationId: w.store, orders: 1, sales: 1100 }],
    });
    expect(r.attributed.daily).toHaveLength(1);
    // She came to the store twice today (her member code scanned): one visit; the holdout's scan is not counted.
    const scan = (customerId: string) =>
      app.server.database.db
        .execute(sql`INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, location_id, source, payload)
        VALUES (${newId('evt')}, 'member_scanned', now(), 'store', ${customerId}, ${w.store}, 'test', '{}'::jsonb)`);
    await scan(treated[0]!.id);
    await scan(treated[0]!.id);
    await scan(held[0]!.id);
    expect((await app.api('GET', `/api/campaigns/${id}/results`)).json().visits).toEqual({
      count: 1,
      members: 1,
      byStore: [{ locationId: w.store, count: 1 }],
    });
    // The same as CSV for a spreadsheet: one row per day, store and channel, in Japanese, as Excel reads it.
    const csv = await app.api('GET', `/api/campaigns/${id}/results.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('日付,店舗,チャネル,購入件数,売上 (税込)');
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2},.+,店舗,1,1100$/)]);
    expect((await app.api('GET', `/api/campaigns/${id}/results.csv`, { token: w.members[0]!.token })).statusCode).toBe(
      403,
    );

    // A second campaign reaches her later: her next purchase is the later message's (last touch).
    const second = await draft(app, w.segmentId, { holdoutPercent: 0, name: '第二弾' });
    await new Promise((r) => setTimeout(r, 5));
    expect((await app.api('POST', `/api/campaigns/${second}/send`)).statusCode).toBe(200);
    await tillSale(treated[0]!);
    expect((await app.api('GET', `/api/campaigns/${id}/results`)).json().attributed.orders).toBe(1);
    expect((await app.api('GET', `/api/campaigns/${second}/results`)).json().attributed.orders).toBe(1);
  });
});

describeEachDatabase('campaigns: scheduled sending (予約配信)', (ctx) => {
  it('sends at its time, once however many copies look, as whoever scheduled it; a cancelled one stays a draft', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app);
    const id = await draft(app, w.segmentId, { name: '予約配信' });
    const at = (ms: number) => ({ at: new Date(Date.now() + ms).toISOString() });
    for (const body of [at(-3600_000), at(91 * 86400_000)]) {
      const bad = await app.api('POST', `/api/campaigns/${id}/schedule`, { body });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json().errors[0].field).toBe('at');
    }
    const scheduled = await app.api('POST', `/api/campaigns/${id}/schedule`, { body: at(3600_000) });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json()).toMatchObject({ status: 'draft', scheduledAt: expect.any(String) });
    expect(await sendDueCampaigns(db)).toBe(0); // not yet
    await db.execute(sql`UPDATE campaigns SET scheduled_at = now() - interval '1 second' WHERE id = ${id}`);
    const sent = await Promise.all([sendDueCampaigns(db), sendDueCampaigns(db)]);
    expect(sent[0]! + sent[1]!).toBe(1);
    const c = (await app.api('GET', `/api/campaigns/${id}`)).json();
    expect(c).toMatchObject({ status: 'sent', counts: { audience: w.members.length } });
    const audit = await query<{ actor: string }>(
      db,
      sql`SELECT actor FROM audit_log WHERE subject_id = ${id} AND action = 'campaign.sent'`,
    );
    expect(audit).toHaveLength(1);
    expect((await app.api('POST', `/api/campaigns/${id}/schedule`, { body: at(3600_000) })).statusCode).toBe(409);

    const other = await draft(app, w.segmentId, { name: '取り消す予約' });
    await app.api('POST', `/api/campaigns/${other}/schedule`, { body: at(120_000) });
    const cancelled = await app.api('DELETE', `/api/campaigns/${other}/schedule`);
    expect(cancelled.json()).toMatchObject({ status: 'draft', scheduledAt: null });
    expect(await sendDueCampaigns(db)).toBe(0);
  });
});
