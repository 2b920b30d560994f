import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { compileSegment } from './segment-sql.ts';
import { sendDueCampaigns } from './schedule.ts';

/**
 * Issue 9 §5: a store manager sends to her store's members only. 渋谷店 and 新宿店 stand side by side; four
 * members call 渋谷 their home store, three 新宿, and all seven live by both — so a rule about the
 * neighbourhood alone would reach all seven, and only the store scope tells them apart.
 */
let worlds = 0;
async function world(app: TestApp) {
  const db = app.server.database.db;
  // Each test's stores 50 km from the others', so a rule about the neighbourhood holds this test's members only.
  const lat = 20 + 0.5 * ++worlds;
  const shibuya = await createTestLocation(app, { name: '渋谷店', lat, lng: 139.7 });
  const shinjuku = await createTestLocation(app, { name: '新宿店', lat: lat + 0.005, lng: 139.7 });
  const members: Array<{ id: string; token: string; home: string }> = [];
  for (let i = 0; i < 7; i++) {
    const home = i < 4 ? shibuya : shinjuku;
    const r = await registerCustomer(app, { name: `会員 ${i}` });
    await db.execute(sql`UPDATE customers SET home_location_id = ${home} WHERE id = ${r.customer.id}`);
    members.push({ id: r.customer.id, token: r.token, home });
  }
  const manager = await newStaff(app, 'store_manager', [shibuya], { name: '渋谷 店長' });
  const otherManager = await newStaff(app, 'store_manager', [shinjuku], { name: '新宿 店長' });
  const clerk = await newStaff(app, 'staff', [shibuya], { name: '渋谷 店員' });
  const hq = await newStaff(app, 'hq', [], { name: '本部 佐藤' });
  const neighbourhood = { conditions: [{ field: 'near_store', locationId: shibuya, km: 5 }] };
  return { shibuya, shinjuku, members, manager, otherManager, clerk, hq, neighbourhood };
}

type World = Awaited<ReturnType<typeof world>>;

async function call(app: TestApp, token: string, method: string, url: string, body?: unknown) {
  return app.api(method, url, { token, ...(body !== undefined ? { body } : {}) });
}

async function segmentAndDraft(app: TestApp, w: World, token: string, extra: Record<string, unknown> = {}) {
  const seg = await call(app, token, 'POST', '/api/segments', { name: '近所の会員', rules: w.neighbourhood });
  expect(seg.statusCode, seg.body).toBe(201);
  const cmp = await call(app, token, 'POST', '/api/campaigns', {
    name: '週末セール',
    segmentId: seg.json().id,
    title: '週末は渋谷店へ',
    body: 'ご来店お待ちしております。',
    holdoutPercent: 0,
    ...extra,
  });
  expect(cmp.statusCode, cmp.body).toBe(201);
  return { segmentId: seg.json().id as string, campaignId: cmp.json().id as string, campaign: cmp.json() };
}

async function inboxCount(app: TestApp, token: string) {
  const inbox = (await app.api('GET', '/api/account/notifications', { token })).json();
  return inbox.items.filter((n: { kind: string }) => n.kind === 'campaign').length as number;
}

describeEachDatabase('engagement: a store manager’s campaigns (店舗のキャンペーン)', (ctx) => {
  it('her preview counts only the members whose home store is hers: the rules ANDed with her store', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app);
    const hers = await call(app, w.manager.token, 'POST', '/api/segments/preview', { rules: w.neighbourhood });
    expect(hers.statusCode, hers.body).toBe(200);
    // The same rules restricted to 渋谷's members, counted directly.
    const members = await compileSegment(db, w.neighbourhood as never, { homeStores: [w.shibuya] });
    const [direct] = await query<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (${members}) s`);
    expect(direct!.n).toBe(4);
    expect(hers.json().count).toBe(direct!.n);
    // Browsing members is head office's: she is told how many, not who.
    expect(hers.json().sample).toEqual([]);
    // Head office sees the whole neighbourhood, or one store's members when it asks.
    const all = await call(app, w.hq.token, 'POST', '/api/segments/preview', { rules: w.neighbourhood });
    expect(all.json()).toMatchObject({ count: 7 });
    expect(all.json().sample).toHaveLength(7);
    const scoped = await call(app, w.hq.token, 'POST', '/api/segments/preview', {
      rules: w.neighbourhood,
      storeScope: [w.shibuya],
    });
    expect(scoped.json().count).toBe(4);
  });

  it('she cannot widen her scope: another store named in a rule or a scope stays out, and clerks have none of it', async () => {
    const app = ctx();
    const w = await world(app);
    // A rule about 新宿's neighbourhood is still ANDed with her store: 新宿's members never appear.
    const rules = { match: 'any', conditions: [{ field: 'near_store', locationId: w.shinjuku, km: 5 }] };
    const res = await call(app, w.manager.token, 'POST', '/api/segments/preview', { rules });
    expect(res.json().count).toBe(4);
    // Asking for 新宿's members outright is refused.
    for (const [url, body] of [
      ['/api/segments/preview', { rules, storeScope: [w.shinjuku] }],
      ['/api/segments', { name: '新宿', rules, storeScope: [w.shinjuku] }],
    ] as const) {
      const refused = await call(app, w.manager.token, 'POST', url, body);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    // Her segment records her store whatever she asked.
    const seg = await call(app, w.manager.token, 'POST', '/api/segments', { name: '近所', rules });
    expect(seg.json().storeScope).toEqual([w.shibuya]);
    // A clerk (not a manager) gets 403 everywhere.
    for (const [method, url, body] of [
      ['GET', '/api/segments', undefined],
      ['POST', '/api/segments/preview', { rules }],
      ['GET', '/api/campaigns', undefined],
      ['GET', `/api/segments/${seg.json().id}`, undefined],
    ] as const)
      expect((await call(app, w.clerk.token, method, url, body)).statusCode).toBe(403);
  });

  it('the 渋谷 manager sends to her store’s members only, in the audit trail; 新宿’s members get nothing', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app);
    const { campaignId, campaign } = await segmentAndDraft(app, w, w.manager.token);
    expect(campaign.storeScope).toEqual([w.shibuya]);
    const sent = await app.api('POST', `/api/campaigns/${campaignId}/send`, {
      token: w.manager.token,
      headers: { 'idempotency-key': `store-send-${campaignId}` },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().counts).toMatchObject({ audience: 4, queued: 4, inbox: 4 });
    const recipients = await query<{ customer_id: string }>(
      db,
      sql`SELECT customer_id FROM campaign_recipients WHERE campaign_id = ${campaignId}`,
    );
    expect(recipients.map((r) => r.customer_id).sort()).toEqual(
      w.members
        .filter((m) => m.home === w.shibuya)
        .map((m) => m.id)
        .sort(),
    );
    for (const m of w.members) expect(await inboxCount(app, m.token)).toBe(m.home === w.shibuya ? 1 : 0);
    const [audit] = await query<{ actor: string; detail: { audience: number; storeScope: string[] } }>(
      db,
      sql`SELECT actor, detail FROM audit_log WHERE subject_id = ${campaignId} AND action = 'campaign.sent'`,
    );
    expect(audit).toMatchObject({ actor: w.manager.id, detail: { audience: 4, storeScope: [w.shibuya] } });
    // Her results and their CSV are hers to read.
    expect((await call(app, w.manager.token, 'GET', `/api/campaigns/${campaignId}/results`)).statusCode).toBe(200);
    expect((await call(app, w.manager.token, 'GET', `/api/campaigns/${campaignId}/results.csv`)).statusCode).toBe(200);
  });

  it('she cannot read, change or send 新宿’s or head office’s campaigns and segments (403), nor see them listed; head office sees all with their scope', async () => {
    const app = ctx();
    const w = await world(app);
    const mine = await segmentAndDraft(app, w, w.manager.token);
    const shinjuku = await segmentAndDraft(app, w, w.otherManager.token);
    const head = await segmentAndDraft(app, w, w.hq.token);
    for (const other of [shinjuku, head]) {
      const id = other.campaignId;
      for (const [method, url, body] of [
        ['GET', `/api/campaigns/${id}`, undefined],
        ['PATCH', `/api/campaigns/${id}`, { title: '横取り' }],
        ['POST', `/api/campaigns/${id}/send`, undefined],
        ['POST', `/api/campaigns/${id}/schedule`, { at: new Date(Date.now() + 3600_000).toISOString() }],
        ['DELETE', `/api/campaigns/${id}/schedule`, undefined],
        ['GET', `/api/campaigns/${id}/results`, undefined],
        ['GET', `/api/campaigns/${id}/results.csv`, undefined],
        ['DELETE', `/api/campaigns/${id}`, undefined],
        ['GET', `/api/segments/${other.segmentId}`, undefined],
        ['PATCH', `/api/segments/${other.segmentId}`, { name: '横取り' }],
        ['DELETE', `/api/segments/${other.segmentId}`, undefined],
        // Nor can she send her message to their segment.
        ['POST', '/api/campaigns', { name: 'x', segmentId: other.segmentId, title: 't', body: 'b' }],
      ] as const) {
        const res = await call(app, w.manager.token, method, url, body);
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
      }
    }
    // Nothing was sent or changed.
    const still = await call(app, w.hq.token, 'GET', `/api/campaigns/${head.campaignId}`);
    expect(still.json()).toMatchObject({ status: 'draft', title: '週末は渋谷店へ', storeScope: null });
    // Her lists hold hers only; head office's hold everything, each with its store scope.
    const list = (await call(app, w.manager.token, 'GET', '/api/campaigns')).json().items;
    expect(list.map((c: { id: string }) => c.id)).toEqual([mine.campaignId]);
    const segs = (await call(app, w.manager.token, 'GET', '/api/segments')).json().items;
    expect(segs.map((s: { id: string }) => s.id)).toEqual([mine.segmentId]);
    const all = (await call(app, w.hq.token, 'GET', '/api/campaigns')).json().items as Array<{
      id: string;
      storeScope: string[] | null;
    }>;
    const scopes = new Map(all.map((c) => [c.id, c.storeScope]));
    expect(scopes.get(mine.campaignId)).toEqual([w.shibuya]);
    expect(scopes.get(shinjuku.campaignId)).toEqual([w.shinjuku]);
    expect(scopes.get(head.campaignId)).toBeNull();
    // Head office may send a store's campaign: it still reaches that store's members only.
    const sent = await call(app, w.hq.token, 'POST', `/api/campaigns/${shinjuku.campaignId}/send`);
    expect(sent.json().counts).toMatchObject({ audience: 3 });
  });

  it('trigger campaigns and member exports stay head office’s', async () => {
    const app = ctx();
    const w = await world(app);
    const { segmentId } = await segmentAndDraft(app, w, w.manager.token);
    const trigger = await call(app, w.manager.token, 'POST', '/api/campaigns', {
      name: '近くにいる方へ',
      title: '{{store}}まで {{distance}}',
      body: '本文',
      trigger: { kind: 'near_store', radiusM: 300, cooldownDays: 7, locationIds: [w.shibuya] },
    });
    expect(trigger.statusCode, trigger.body).toBe(403);
    expect((await call(app, w.manager.token, 'POST', `/api/segments/${segmentId}/export.csv`)).statusCode).toBe(403);
    // Head office's export of her segment holds her store's members only.
    const csv = await call(app, w.hq.token, 'POST', `/api/segments/${segmentId}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\r\n')).toHaveLength(1 + 4);
  });

  it('her offer is a coupon valid only at her store’s tills: head office’s chain-wide coupon is refused', async () => {
    const app = ctx();
    const w = await world(app);
    const coupon = async (name: string, locationIds: string[]) => {
      const p = await call(app, w.hq.token, 'POST', '/api/promotions', {
        name,
        kind: 'amount_off',
        params: { amount: 500 },
        requiresCoupon: true,
        conditions: { locationIds },
      });
      expect(p.statusCode, p.body).toBe(201);
      const c = await call(app, w.hq.token, 'POST', '/api/coupons/batches', {
        coupon: { promotionId: p.json().id, issuedChannel: 'campaign' },
        count: 0,
      });
      expect(c.statusCode, c.body).toBe(201);
      return c.json().couponId as string;
    };
    const chainWide = await coupon('全店500円引き', []);
    const atShinjuku = await coupon('新宿店500円引き', [w.shinjuku]);
    const atShibuya = await coupon('渋谷店限定500円引き', [w.shibuya]);
    const offers = (await call(app, w.manager.token, 'GET', '/api/campaign-offers')).json().items;
    expect(offers.map((o: { couponId: string }) => o.couponId)).toEqual([atShibuya]);
    const hqOffers = (await call(app, w.hq.token, 'GET', '/api/campaign-offers')).json().items;
    expect(hqOffers.map((o: { couponId: string }) => o.couponId)).toEqual(
      expect.arrayContaining([chainWide, atShinjuku, atShibuya]),
    );
    const seg = await call(app, w.manager.token, 'POST', '/api/segments', { name: '近所', rules: w.neighbourhood });
    for (const refused of [chainWide, atShinjuku]) {
      const res = await call(app, w.manager.token, 'POST', '/api/campaigns', {
        name: 'クーポン',
        segmentId: seg.json().id,
        title: 't',
        body: 'b',
        offerCouponId: refused,
      });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'coupon.not_issuable', errors: [{ field: 'offerCouponId' }] });
    }
    const ok = await call(app, w.manager.token, 'POST', '/api/campaigns', {
      name: 'クーポン',
      segmentId: seg.json().id,
      title: 't',
      body: 'b',
      offerCouponId: atShibuya,
      holdoutPercent: 0,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const sent = await call(app, w.manager.token, 'POST', `/api/campaigns/${ok.json().id}/send`);
    expect(sent.json().counts).toMatchObject({ queued: 4, issued: 4 });
  });

  it('her scheduled campaign goes at its time to her store’s members only; scheduling is in the audit trail', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app);
    const { campaignId } = await segmentAndDraft(app, w, w.manager.token);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const res = await call(app, w.manager.token, 'POST', `/api/campaigns/${campaignId}/schedule`, { at });
    expect(res.statusCode, res.body).toBe(200);
    await db.execute(sql`UPDATE campaigns SET scheduled_at = now() - interval '1 second' WHERE id = ${campaignId}`);
    await sendDueCampaigns(db);
    const c = (await call(app, w.manager.token, 'GET', `/api/campaigns/${campaignId}`)).json();
    expect(c).toMatchObject({ status: 'sent', counts: { audience: 4 } });
    const audits = await query<{ action: string; actor: string }>(
      db,
      sql`SELECT action, actor FROM audit_log WHERE subject_id = ${campaignId} ORDER BY at, action`,
    );
    expect(audits).toEqual([
      { action: 'campaign.scheduled', actor: w.manager.id },
      { action: 'campaign.sent', actor: w.manager.id },
    ]);
  });

  it('her scheduled campaign is not sent once she has lost the right: taken off her store, or deactivated', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const schedule = async () => {
      const { campaignId } = await segmentAndDraft(app, w, w.manager.token);
      const res = await call(app, w.manager.token, 'POST', `/api/campaigns/${campaignId}/schedule`, { at });
      expect(res.statusCode, res.body).toBe(200);
      await db.execute(sql`UPDATE campaigns SET scheduled_at = now() - interval '1 second' WHERE id = ${campaignId}`);
      return campaignId;
    };
    const stillDraft = async (id: string) => {
      const [c] = await query<{ status: string; schedule_error: string | null; scheduled_at: Date | null }>(
        db,
        sql`SELECT status, schedule_error, scheduled_at FROM campaigns WHERE id = ${id}`,
      );
      expect(c).toEqual({ status: 'draft', schedule_error: 'platform.forbidden', scheduled_at: null });
      const sent = await query(db, sql`SELECT 1 FROM campaign_recipients WHERE campaign_id = ${id}`);
      expect(sent).toHaveLength(0);
    };
    // Moved to no store at all: a store campaign is no longer hers to send.
    const first = await schedule();
    await db.execute(sql`DELETE FROM staff_locations WHERE staff_id = ${w.manager.id}`);
    expect(await sendDueCampaigns(db)).toBe(0);
    await stillDraft(first);
    // Deactivated.
    await db.execute(sql`INSERT INTO staff_locations (staff_id, location_id) VALUES (${w.manager.id}, ${w.shibuya})`);
    const second = await schedule();
    await db.execute(sql`UPDATE staff_users SET active = false WHERE id = ${w.manager.id}`);
    expect(await sendDueCampaigns(db)).toBe(0);
    await stillDraft(second);
  });
});
