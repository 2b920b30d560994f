import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { createTestLocation, describeEachDatabase, registerCustomer } from '../../test/harness.ts';
import { defaultRules, nextTier, pointsForSpend, tierForSpend } from './rules.ts';
import { pointsForReturn } from './reversals.ts';
import { expirePoints } from './expiry.ts';
import { cancelRedemption, earnForPurchase, redeemForPurchase, reverseForReturn } from './service.ts';
import { age, book, expectPointsConsistent, factsOf, lotsOf, newStaff, points, ref, summary } from './test-helpers.ts';

describe('points arithmetic', () => {
  it('gives 1 point per full ¥100 and rounds the tier multiplier down once', () => {
    expect(pointsForSpend(99, defaultRules, 'regular')).toBe(0);
    expect(pointsForSpend(100, defaultRules, 'regular')).toBe(1);
    expect(pointsForSpend(199, defaultRules, 'regular')).toBe(1);
    expect(pointsForSpend(150, defaultRules, 'silver')).toBe(1); // ⌊1 × 1.5⌋
    expect(pointsForSpend(200, defaultRules, 'silver')).toBe(3);
    expect(pointsForSpend(12_345, defaultRules, 'gold')).toBe(246);
    expect(pointsForSpend(1_050, defaultRules, 'silver', 3)).toBe(45);
  });

  it('takes back exactly what was earned however a purchase is returned in parts', () => {
    for (const parts of [
      [1, 1, 1],
      [1_000, 2_345, 6_655],
      [9_999, 1],
      [3_333, 3_333, 3_334],
    ]) {
      let before = 0;
      let taken = 0;
      for (const spend of parts) {
        taken += pointsForReturn(99, 10_000, before, spend);
        before += spend;
      }
      if (before === 10_000) expect(taken, parts.join('+')).toBe(99);
      else expect(taken).toBeLessThanOrEqual(99);
    }
  });

  it('tiers by rolling spend, with the spend still needed for the next one', () => {
    expect(tierForSpend(49_999, defaultRules)).toBe('regular');
    expect(tierForSpend(50_000, defaultRules)).toBe('silver');
    expect(tierForSpend(150_000, defaultRules)).toBe('gold');
    expect(nextTier(49_999, defaultRules)).toEqual({ tier: 'silver', spendNeeded: 1, threshold: 50_000, from: 0 });
    expect(nextTier(60_000, defaultRules)).toEqual({
      tier: 'gold',
      spendNeeded: 90_000,
      threshold: 150_000,
      from: 50_000,
    });
    expect(nextTier(150_000, defaultRules)).toBeNull();
  });
});

describeEachDatabase('loyalty points', (ctx) => {
  it('a purchase earns 1 point per ¥100, and the member sees it in the app at once', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const loc = await createTestLocation(app);
    const earned = await book(app, { customerId: customer.id, kind: 'earn', spend: 12_345, locationId: loc });
    expect(earned).toMatchObject({
      balance: 123,
      tier: 'regular',
      entry: { points: 123, spend: 12_345, staffId: 'stf_bootstrap' },
    });

    const staffView = await summary(app, customer.id);
    expect(staffView).toMatchObject({
      balance: 123,
      tier: 'regular',
      tierSpend12m: 12_345,
      nextTier: { tier: 'silver', spendNeeded: 37_655 },
      expiringSoon: [],
    });
    const mine = await app.api('GET', '/api/account/loyalty', { token });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ balance: 123, history: [{ kind: 'earn', points: 123 }] });
    const [lot] = await lotsOf(app, customer.id);
    const days = (new Date(lot!.expires_at).getTime() - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(367); // 12 calendar months
    const [fact] = await factsOf(app, customer.id, 'points_earned');
    expect(fact).toMatchObject({ channel: 'store', payload: { points: 123, spend: 12_345 } });
    await expectPointsConsistent(app, customer.id);
  });

  it('answers mistakes with problem documents: validation, roles, stores, unknown and duplicate references', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const shop = await createTestLocation(app);
    const other = await createTestLocation(app);
    const clerk = await newStaff(app, 'staff', [shop]);
    const manager = await newStaff(app, 'store_manager', [shop]);

    const noPoints = await points(
      app,
      { customerId: customer.id, kind: 'redeem' },
      { headers: { 'accept-language': 'en' } },
    );
    expect(noPoints.statusCode).toBe(400);
    expect(noPoints.headers['content-type']).toContain('application/problem+json');
    expect(noPoints.json().errors).toEqual([{ field: 'points', message: 'Expected a number' }]);
    const noReason = await points(app, { customerId: customer.id, kind: 'adjust', points: 10 });
    expect(noReason.json().errors).toEqual([{ field: 'reason', message: '理由を入力してください' }]);

    expect(
      (await points(app, { customerId: customer.id, kind: 'earn', spend: 100 }, { token: null as never })).statusCode,
    ).toBe(401);
    const byCustomer = await points(app, { customerId: customer.id, kind: 'earn', spend: 100 }, { token });
    expect(byCustomer.statusCode).toBe(403);
    const elsewhere = await points(
      app,
      { customerId: customer.id, kind: 'earn', spend: 100, locationId: other },
      { token: clerk.token },
    );
    expect(elsewhere.json()).toMatchObject({ status: 403, code: 'platform.forbidden', locationId: other });
    expect(
      (
        await points(
          app,
          { customerId: customer.id, kind: 'earn', spend: 100, locationId: shop },
          { token: clerk.token },
        )
      ).statusCode,
    ).toBe(201);
    const clerkAdjusts = await points(
      app,
      { customerId: customer.id, kind: 'adjust', points: 50, reason: 'お詫び' },
      { token: clerk.token },
    );
    expect(clerkAdjusts.statusCode).toBe(403);
    const adjusted = await points(
      app,
      { customerId: customer.id, kind: 'adjust', points: 50, reason: 'お詫び', locationId: shop },
      { token: manager.token },
    );
    expect(adjusted.json()).toMatchObject({ balance: 51, entry: { kind: 'adjust', reason: 'お詫び' } });

    expect((await points(app, { customerId: 'cus_nobody', kind: 'earn', spend: 100 })).json()).toMatchObject({
      status: 404,
      code: 'customer.not_found',
    });
    const once = ref();
    expect((await points(app, { customerId: customer.id, kind: 'earn', spend: 500, reference: once })).statusCode).toBe(
      201,
    );
    const twice = await points(app, { customerId: customer.id, kind: 'earn', spend: 500, reference: once });
    expect(twice.json()).toMatchObject({ status: 409, code: 'loyalty.duplicate_reference', reference: once });
    const tooMuch = await points(app, { customerId: customer.id, kind: 'redeem', points: 1_000 });
    expect(tooMuch.json()).toMatchObject({
      status: 409,
      code: 'loyalty.insufficient_points',
      balance: 56,
      requested: 1_000,
    });
    await expectPointsConsistent(app, customer.id);
  });

  it('replays a retried booking with the same Idempotency-Key instead of booking twice', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const body = { customerId: customer.id, kind: 'earn', spend: 3_000, reference: ref() };
    const headers = { 'idempotency-key': `loyalty-${ref()}` };
    const first = await app.api('POST', '/api/loyalty/transactions', { body, headers });
    const again = await app.api('POST', '/api/loyalty/transactions', { body, headers });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const changed = await app.api('POST', '/api/loyalty/transactions', { body: { ...body, spend: 4_000 }, headers });
    expect(changed.json()).toMatchObject({ status: 422, code: 'platform.idempotency_key_reused' });
    expect((await summary(app, customer.id)).balance).toBe(30);
  });

  it('spends the points that expire first, then the earliest earned', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const a = await book(app, { customerId: customer.id, kind: 'earn', points: 100, reason: 'テスト付与' });
    const b = await book(app, { customerId: customer.id, kind: 'earn', points: 100, reason: 'テスト付与' });
    const c = await book(app, { customerId: customer.id, kind: 'earn', points: 100, reason: 'テスト付与' });
    // b was earned under a shorter expiry rule: it goes first although it is not the oldest.
    await app.server.database.db.execute(
      sql`UPDATE point_lots SET expires_at = now() + interval '30 days' WHERE entry_id = ${b.entry.id}`,
    );
    await book(app, { customerId: customer.id, kind: 'redeem', points: 150 });
    const lots = new Map((await lotsOf(app, customer.id)).map((l) => [l.entry_id, l.remaining]));
    expect([lots.get(a.entry.id), lots.get(b.entry.id), lots.get(c.entry.id)]).toEqual([50, 0, 100]);
    const after = await summary(app, customer.id);
    expect(after.balance).toBe(150);
    expect(after.expiringSoon).toEqual([]); // b is spent; nothing else expires within 60 days
    await expectPointsConsistent(app, customer.id);
  });

  it('her points are listed by the day they lapse, soonest first, lots of one Tokyo day added together', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const late = await book(app, { customerId: customer.id, kind: 'earn', spend: 30_000 }); // 300 pt
    const soon = await book(app, { customerId: customer.id, kind: 'earn', spend: 10_000 }); // 100 pt
    const soonToo = await book(app, { customerId: customer.id, kind: 'earn', spend: 2_000 }); // 20 pt
    // 2098-01-13 01:00 and 20:00 JST are one day in Tokyo (the second is 11:00 UTC); the late lot is in March.
    const at = (entryId: string, iso: string) =>
      app.server.database.db.execute(
        sql`UPDATE point_lots SET expires_at = ${iso}::timestamptz WHERE entry_id = ${entryId}`,
      );
    await at(late.entry.id, '2099-03-01T00:00:00Z');
    await at(soon.entry.id, '2098-01-12T16:00:00Z');
    await at(soonToo.entry.id, '2098-01-13T11:00:00Z');
    const mine = (await app.api('GET', '/api/account/loyalty', { token })).json();
    expect(mine.lots).toEqual([
      { points: 120, expiresAt: '2098-01-12T16:00:00.000Z' },
      { points: 300, expiresAt: '2099-03-01T00:00:00.000Z' },
    ]);
    expect(mine.nextTier).toEqual({ tier: 'silver', spendNeeded: 8_000, threshold: 50_000, from: 0 });
  });

  it('points lapse at their expiry, lazily on the next look and by the background job, never twice', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const { customer: other } = await registerCustomer(app);
    await book(app, { customerId: customer.id, kind: 'earn', spend: 30_000 }); // 300, earned "13 months ago"
    await age(app, customer.id, 400);
    await book(app, { customerId: customer.id, kind: 'earn', spend: 5_000 }); // 50, fresh
    await app.server.database.db.execute(
      sql`UPDATE point_lots SET expires_at = now() + interval '20 days' WHERE customer_id = ${customer.id} AND remaining = 50`,
    );

    const mine = (await app.api('GET', '/api/account/loyalty', { token })).json();
    expect(mine.balance).toBe(50);
    expect(mine.expiringSoon).toEqual([{ points: 50, expiresAt: expect.any(String) }]);
    expect(mine.history.find((h: { kind: string }) => h.kind === 'expire')).toMatchObject({ points: -300 });
    // The timeline says when the points lapsed, not when the lapse was written down.
    const [lapsed] = await factsOf(app, customer.id, 'points_expired');
    expect(new Date(String(lapsed!.payload.expiredAt)).getTime()).toBeLessThan(Date.now() - 30 * 86400_000);
    expect(mine.tierSpend12m).toBe(5_000);

    await book(app, { customerId: other.id, kind: 'earn', points: 80, reason: 'テスト付与' });
    await app.server.database.db.execute(
      sql`UPDATE point_lots SET expires_at = now() - interval '1 second' WHERE customer_id = ${other.id}`,
    );
    const [first, second] = await Promise.all([
      expirePoints(app.server.database.db),
      expirePoints(app.server.database.db),
    ]);
    expect(first! + second!).toBe(80);
    expect(await expirePoints(app.server.database.db)).toBe(0);
    expect((await summary(app, other.id)).balance).toBe(0);
    expect(await factsOf(app, other.id, 'points_expired')).toHaveLength(1);
    const redeem = await points(app, { customerId: other.id, kind: 'redeem', points: 1 });
    expect(redeem.json()).toMatchObject({ code: 'loyalty.insufficient_points', balance: 0 });
    await expectPointsConsistent(app, customer.id);
    await expectPointsConsistent(app, other.id);
  });

  it('a return takes back the points it earned, in parts or whole, and never more than what is left', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const order = ref();
    await book(app, { customerId: customer.id, kind: 'earn', spend: 9_999, reference: order }); // 99
    const part = await book(app, {
      customerId: customer.id,
      kind: 'reverse',
      reference: order,
      spend: 3_333,
      returnReference: 'ret_1',
    });
    expect(part).toMatchObject({
      entry: { kind: 'reverse', points: -33, spend: -3_333, reference: `earn:${order}:ret_1` },
      balance: 66,
    });
    const dup = await points(app, {
      customerId: customer.id,
      kind: 'reverse',
      reference: order,
      spend: 1_000,
      returnReference: 'ret_1',
    });
    expect(dup.json()).toMatchObject({ code: 'loyalty.duplicate_reference' });
    const over = await points(app, {
      customerId: customer.id,
      kind: 'reverse',
      reference: order,
      spend: 7_000,
      returnReference: 'ret_2',
    });
    expect(over.json()).toMatchObject({ status: 409, code: 'loyalty.return_exceeds_spend', remainingSpend: 6_666 });
    await book(app, { customerId: customer.id, kind: 'redeem', points: 60 }); // the member spends most of the rest
    const rest = await book(app, { customerId: customer.id, kind: 'reverse', reference: order });
    expect(rest).toMatchObject({ entry: { points: -6, spend: -6_666 }, balance: 0, unrecovered: 60 });
    const again = await points(app, { customerId: customer.id, kind: 'reverse', reference: order });
    expect(again.json()).toMatchObject({ status: 409, code: 'loyalty.already_reversed' });
    const unknown = await points(app, { customerId: customer.id, kind: 'reverse', reference: 'ord_never' });
    expect(unknown.json()).toMatchObject({ status: 404, code: 'loyalty.entry_not_found' });
    expect((await summary(app, customer.id)).tierSpend12m).toBe(0);
    await expectPointsConsistent(app, customer.id);
  });

  it('cancelling a redemption gives the points back to the lots they came from; expired ones are forfeited', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const old = await book(app, { customerId: customer.id, kind: 'earn', points: 100, reason: 'テスト付与' });
    const fresh = await book(app, { customerId: customer.id, kind: 'earn', points: 100, reason: 'テスト付与' });
    await app.server.database.db.execute(
      sql`UPDATE point_lots SET expires_at = now() + interval '1 day' WHERE entry_id = ${old.entry.id}`,
    );
    const order = ref();
    await book(app, { customerId: customer.id, kind: 'redeem', points: 150, reference: order });
    const cancelled = await book(app, {
      customerId: customer.id,
      kind: 'reverse',
      reverses: 'redeem',
      reference: order,
    });
    expect(cancelled).toMatchObject({
      entry: { points: 150, reference: `redeem:${order}` },
      balance: 200,
      forfeited: 0,
    });
    const lots = new Map((await lotsOf(app, customer.id)).map((l) => [l.entry_id, l.remaining]));
    expect([lots.get(old.entry.id), lots.get(fresh.entry.id)]).toEqual([100, 100]);

    const second = ref();
    await book(app, { customerId: customer.id, kind: 'redeem', points: 150, reference: second }); // 100 from old, 50 from fresh
    await app.server.database.db.execute(
      sql`UPDATE point_lots SET expires_at = now() - interval '1 minute' WHERE entry_id = ${old.entry.id}`,
    );
    const late = await book(app, { customerId: customer.id, kind: 'reverse', reverses: 'redeem', reference: second });
    expect(late).toMatchObject({ entry: { points: 50 }, forfeited: 100, balance: 100 });
    await expectPointsConsistent(app, customer.id);
  });

  it('rolling spend moves the member up and down the tiers, and a higher tier earns more', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const big = ref();
    expect(await book(app, { customerId: customer.id, kind: 'earn', spend: 50_000, reference: big })).toMatchObject({
      tier: 'silver',
      entry: { points: 500 },
    });
    expect(await book(app, { customerId: customer.id, kind: 'earn', spend: 1_000 })).toMatchObject({
      entry: { points: 15 },
    }); // silver ×1.5
    expect(await book(app, { customerId: customer.id, kind: 'reverse', reference: big })).toMatchObject({
      tier: 'regular',
    });
    const changes = await factsOf(app, customer.id, 'tier_changed');
    expect(changes.map((f) => [f.payload.from, f.payload.to])).toEqual([
      ['regular', 'silver'],
      ['silver', 'regular'],
    ]);
    await book(app, { customerId: customer.id, kind: 'earn', spend: 150_000 });
    expect((await summary(app, customer.id)).tier).toBe('gold');
    // A year later the spend has aged out: the next look shows the tier it now earns.
    await age(app, customer.id, 366);
    expect(await summary(app, customer.id)).toMatchObject({
      tier: 'regular',
      tierSpend12m: 0,
      nextTier: { tier: 'silver', spendNeeded: 50_000 },
    });
    const [row] = await query<{ tier: string }>(
      app.server.database.db,
      sql`SELECT tier FROM customers WHERE id = ${customer.id}`,
    );
    expect(row!.tier).toBe('regular');
  });

  it('head office sets the rules and runs ポイント倍 campaigns by channel, store and dates', async () => {
    const app = ctx();
    const shop = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [shop]);
    const { customer } = await registerCustomer(app);
    expect((await app.api('GET', '/api/loyalty/rules', { token: manager.token })).json().points).toEqual({
      yenPerPoint: 100,
      expiryMonths: 12,
      expiringSoonDays: 60,
    });
    expect((await app.api('PUT', '/api/loyalty/rules', { token: manager.token, body: {} })).statusCode).toBe(403);
    const bad = await app.api('PUT', '/api/loyalty/rules', {
      body: { tierThresholds: { silver: 10_000, gold: 5_000 } },
    });
    expect(bad.json()).toMatchObject({ status: 400, errors: [{ field: 'tierThresholds.gold' }] });
    const put = await app.api('PUT', '/api/loyalty/rules', {
      body: { points: { yenPerPoint: 200 }, tierMultipliers: { silver: 1.25 } },
    });
    expect(put.json()).toMatchObject({
      points: { yenPerPoint: 200, expiryMonths: 12 },
      tierMultipliers: { regular: 1, silver: 1.25, gold: 2 },
    });

    const now = Date.now();
    const window = { startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString() };
    expect(
      (
        await app.api('POST', '/api/loyalty/campaigns', {
          token: manager.token,
          body: { name: 'x', multiplier: 2, ...window },
        })
      ).statusCode,
    ).toBe(403);
    const app3 = await app.api('POST', '/api/loyalty/campaigns', {
      body: { name: 'アプリ限定 ポイント3倍', multiplier: 3, channel: 'app', ...window },
    });
    expect(app3.statusCode).toBe(201);
    await app.api('POST', '/api/loyalty/campaigns', {
      body: { name: '渋谷店 5倍', multiplier: 5, locationId: shop, ...window },
    });
    await app.api('POST', '/api/loyalty/campaigns', {
      body: {
        name: '来月 10倍',
        multiplier: 10,
        startsAt: new Date(now + 86400_000).toISOString(),
        endsAt: new Date(now + 2 * 86400_000).toISOString(),
      },
    });
    expect(await book(app, { customerId: customer.id, kind: 'earn', spend: 1_000, channel: 'store' })).toMatchObject({
      entry: { points: 5 },
    });
    expect(await book(app, { customerId: customer.id, kind: 'earn', spend: 1_000, channel: 'app' })).toMatchObject({
      entry: { points: 15 },
    });
    expect(
      await book(app, { customerId: customer.id, kind: 'earn', spend: 1_000, channel: 'app', locationId: shop }),
    ).toMatchObject({ entry: { points: 25 } });
    const list = await app.api('GET', '/api/loyalty/campaigns', { token: manager.token });
    expect(
      list
        .json()
        .items.slice(0, 3)
        .map((c: { multiplier: number }) => c.multiplier),
    ).toEqual([10, 5, 3]); // latest start first
    await app.api('PUT', '/api/loyalty/rules', { body: {} });
  });

  it('a customer reads only their own points; merged customers cannot be booked', async () => {
    const app = ctx();
    const aiko = await registerCustomer(app);
    const kenta = await registerCustomer(app);
    await book(app, { customerId: aiko.customer.id, kind: 'earn', points: 10, reason: 'テスト付与' });
    await book(app, { customerId: kenta.customer.id, kind: 'earn', points: 20, reason: 'テスト付与' });
    expect(
      (await app.api('GET', `/api/customers/${kenta.customer.id}/loyalty`, { token: aiko.token })).statusCode,
    ).toBe(403);
    expect((await app.api('GET', `/api/customers/${aiko.customer.id}/loyalty`, { token: aiko.token })).statusCode).toBe(
      403,
    );
    expect((await app.api('GET', '/api/account/loyalty', { token: aiko.token })).json().balance).toBe(10);
    expect((await app.api('GET', '/api/account/loyalty', { token: kenta.token })).json().balance).toBe(20);
    expect((await app.api('GET', '/api/account/loyalty', { token: null })).statusCode).toBe(401);
    expect((await app.api('GET', '/api/account/loyalty')).statusCode).toBe(403); // staff have no account

    await app.server.database.db.execute(
      sql`UPDATE customers SET status = 'merged', merged_into = ${aiko.customer.id} WHERE id = ${kenta.customer.id}`,
    );
    const merged = await points(app, { customerId: kenta.customer.id, kind: 'redeem', points: 5 });
    expect(merged.json()).toMatchObject({ status: 409, code: 'customer.not_active', mergedInto: aiko.customer.id });
  });

  it('pages the history newest first without skipping or repeating an entry', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    for (let i = 1; i <= 7; i++)
      await book(app, { customerId: customer.id, kind: 'earn', points: i, reason: 'テスト付与' });
    const seen: number[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const s = await summary(app, customer.id, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...s.history.map((h) => h.points));
      if (!s.nextCursor) break;
      cursor = s.nextCursor;
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect((await app.api('GET', `/api/customers/${customer.id}/loyalty?cursor=nonsense`)).json()).toMatchObject({
      status: 400,
      errors: [{ field: 'cursor' }],
    });
  });

  it('orders book points inside their own transaction, and a repeated event books nothing twice', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { customer } = await registerCustomer(app);
    const order = ref();
    const purchase = { customerId: customer.id, reference: order, channel: 'web' as const };
    const first = await inTransaction(db, (tx) => earnForPurchase(tx, { ...purchase, spend: 20_000 }));
    const again = await inTransaction(db, (tx) => earnForPurchase(tx, { ...purchase, spend: 20_000 }));
    expect(first).toMatchObject({ replayed: false, balance: 200 });
    expect(again).toMatchObject({ replayed: true, balance: 200, entry: { id: first.entry.id } });
    // A checkout that fails after redeeming rolls the redemption back with it.
    await expect(
      inTransaction(db, async (tx) => {
        await redeemForPurchase(tx, { ...purchase, reference: ref(), points: 150 });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    const paid = ref();
    await inTransaction(db, (tx) => redeemForPurchase(tx, { ...purchase, reference: paid, points: 150 }));
    expect((await inTransaction(db, (tx) => cancelRedemption(tx, { ...purchase, reference: paid }))).balance).toBe(200);
    expect((await inTransaction(db, (tx) => cancelRedemption(tx, { ...purchase, reference: paid }))).replayed).toBe(
      true,
    );
    const returned = await inTransaction(db, (tx) =>
      reverseForReturn(tx, { ...purchase, spend: 5_000, returnReference: 'ret_1' }),
    );
    expect(returned).toMatchObject({ replayed: false, balance: 150, entry: { points: -50 } });
    expect(
      await inTransaction(db, (tx) => reverseForReturn(tx, { ...purchase, spend: 5_000, returnReference: 'ret_1' })),
    ).toMatchObject({ replayed: true, balance: 150 });
    expect((await summary(app, customer.id)).tierSpend12m).toBe(15_000);
    await expectPointsConsistent(app, customer.id);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await ctx().api('GET', '/api/openapi.json', { token: null })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/loyalty/transactions',
        '/api/customers/{id}/loyalty',
        '/api/account/loyalty',
        '/api/loyalty/rules',
        '/api/loyalty/campaigns',
        '/api/wallet/transactions',
        '/api/customers/{id}/wallet',
        '/api/account/wallet',
      ]),
    );
    expect(doc.paths['/api/loyalty/transactions'].post.requestBody).toBeTruthy();
  });

  it('never spends a point twice: 100 concurrent redemptions of 100 against 1,000 → exactly 10', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    for (let i = 0; i < 4; i++)
      await book(app, { customerId: customer.id, kind: 'earn', points: 250, reason: 'テスト付与' });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => points(app, { customerId: customer.id, kind: 'redeem', points: 100 })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 409)).toHaveLength(90);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({ code: 'loyalty.insufficient_points', balance: 0, requested: 100 });
    expect(await expectPointsConsistent(app, customer.id)).toBe(0);
    expect((await summary(app, customer.id)).balance).toBe(0);
  });
});
