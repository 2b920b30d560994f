import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { deliverEvents, describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { book, ref } from '../loyalty/test-helpers.ts';
import { sweepBirthdays } from './triggers/birthday.ts';
import { onTierChanged } from './triggers/tier-up.ts';
import { sweepExpiringPoints } from './triggers/points-expiring.ts';

/** Noon in Japan on a day (03:00 UTC): outside quiet hours. */
const noonInJapan = (day: string) => new Date(`${day}T03:00:00Z`);

async function member(app: TestApp, overrides: { birthday?: string; name?: string } = {}) {
  const r = await registerCustomer(app, overrides);
  return { id: r.customer.id, token: r.token };
}

async function trigger(app: TestApp, body: Record<string, unknown>) {
  const res = await app.api('POST', '/api/campaigns', { body: { link: '/shop', holdoutPercent: 0, ...body } });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const on = await app.api('POST', `/api/campaigns/${id}/activate`);
  expect(on.statusCode, on.body).toBe(200);
  return id;
}

const pause = (app: TestApp, id: string) => app.api('POST', `/api/campaigns/${id}/pause`);

async function firings(app: TestApp, campaignId: string) {
  return query<{ customer_id: string; firing: number; status: string; detail: Record<string, unknown> | null }>(
    app.server.database.db,
    sql`SELECT customer_id, firing, status, detail FROM campaign_recipients WHERE campaign_id = ${campaignId}
         ORDER BY customer_id, firing`,
  );
}

async function notices(app: TestApp, customerId: string) {
  return query<{ title: string; body: string }>(
    app.server.database.db,
    sql`SELECT title, body FROM notifications WHERE customer_id = ${customerId} AND kind = 'campaign' ORDER BY created_at`,
  );
}

const birthdayTrigger = (app: TestApp, daysBefore = 0) =>
  trigger(app, {
    name: '誕生日のお祝い',
    title: '{{name}}様、お誕生日おめでとうございます',
    body: 'お誕生日月の特典をご用意しました。',
    trigger: { kind: 'birthday', daysBefore, cooldownDays: 30 },
  });

describeEachDatabase('triggers: birthday, tier up, points expiring soon', (ctx) => {
  it('on her birthday she is greeted by name, once that year however often the sweep runs', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const aiko = await member(app, { birthday: '1990-03-10', name: '佐藤 愛子' });
    const other = await member(app, { birthday: '1990-03-11' });
    const id = await birthdayTrigger(app);

    const day = noonInJapan('2027-03-10');
    expect(await sweepBirthdays(db, { now: day })).toBe(1);
    expect(await firings(app, id)).toEqual([
      { customer_id: aiko.id, firing: 1, status: 'queued', detail: { day: '2027-03-10' } },
    ]);
    expect((await notices(app, aiko.id)).map((n) => n.title)).toEqual(['佐藤 愛子様、お誕生日おめでとうございます']);
    expect(await notices(app, other.id)).toEqual([]);

    // The same day again (another app copy, the next hour), and at 23:00 — quiet hours send nothing.
    expect(await sweepBirthdays(db, { now: new Date(day.getTime() + 3600_000) })).toBe(0);
    expect(await sweepBirthdays(db, { now: new Date('2027-03-10T14:00:00Z') })).toBe(0);
    // The next year: greeted again.
    expect(await sweepBirthdays(db, { now: noonInJapan('2028-03-10') })).toBe(1);
    expect((await firings(app, id)).map((f) => [f.customer_id, f.firing])).toEqual([
      [aiko.id, 1],
      [aiko.id, 2],
    ]);
    await pause(app, id);
  });

  it('with an offer, each birthday brings her a new single-use code in her coupons, and the message opens them', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const aiko = await member(app, { birthday: '1991-06-02', name: '佐藤 愛子' });
    const promo = await app.api('POST', '/api/promotions', {
      body: { name: 'お誕生日500円引き', kind: 'amount_off', params: { amount: 500 }, requiresCoupon: true },
    });
    expect(promo.statusCode, promo.body).toBe(201);
    const coupon = await app.api('POST', '/api/coupons/batches', {
      body: { coupon: { promotionId: promo.json().id, issuedChannel: 'campaign' }, count: 0 },
    });
    expect(coupon.statusCode, coupon.body).toBe(201);
    const id = await trigger(app, {
      name: '誕生日クーポン',
      title: '{{name}}様、お誕生日おめでとうございます',
      body: '500円引きのクーポンをお届けしました。',
      link: null,
      offerCouponId: coupon.json().couponId,
      trigger: { kind: 'birthday', daysBefore: 0, cooldownDays: 30 },
    });
    const codes = async () =>
      query<{ issued_for: string }>(
        db,
        sql`SELECT issued_for FROM coupon_codes WHERE customer_id = ${aiko.id} ORDER BY issued_for`,
      );
    expect(await sweepBirthdays(db, { now: noonInJapan('2027-06-02') })).toBe(1);
    expect(await codes()).toEqual([{ issued_for: `campaign:${id}:1` }]);
    const [notice] = await query<{ payload: { link?: string } }>(
      db,
      sql`SELECT payload FROM notifications WHERE customer_id = ${aiko.id} AND kind = 'campaign'`,
    );
    expect(notice!.payload.link).toBe('/account/coupons');
    const mine = await app.api('GET', '/api/account/coupons', { token: aiko.token });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(JSON.stringify(mine.json())).toContain('お誕生日500円引き');
    // The next year: a new code, not the same one again.
    expect(await sweepBirthdays(db, { now: noonInJapan('2028-06-02') })).toBe(1);
    expect(await codes()).toEqual([{ issued_for: `campaign:${id}:1` }, { issued_for: `campaign:${id}:2` }]);
    const page = await app.api('GET', `/api/campaigns/${id}`);
    expect(page.json().offer).toEqual({ issued: 2, redeemed: 0 });
    await pause(app, id);

    // お知らせ（自動） carry no offer.
    const service = await query<{ id: string }>(
      db,
      sql`SELECT id FROM campaigns WHERE kind = 'trigger' AND trigger->>'kind' = 'hold_expiring' LIMIT 1`,
    );
    if (service[0]) {
      const refused = await app.api('PATCH', `/api/campaigns/${service[0].id}`, {
        body: { offerCouponId: coupon.json().couponId },
      });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().errors[0].field).toBe('offerCouponId');
    }
  });

  it('a 29 February birthday is celebrated on 28 February in other years, and `daysBefore` sends ahead', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const leap = await member(app, { birthday: '2000-02-29' });
    const id = await birthdayTrigger(app, 7);

    // 2027 is not a leap year: seven days before 28 February.
    expect(await sweepBirthdays(db, { now: noonInJapan('2027-02-20') })).toBe(0);
    expect(await sweepBirthdays(db, { now: noonInJapan('2027-02-21') })).toBe(1);
    expect(await sweepBirthdays(db, { now: noonInJapan('2027-02-22') })).toBe(0);
    expect(await firings(app, id)).toEqual([
      { customer_id: leap.id, firing: 1, status: 'queued', detail: { day: '2027-02-28' } },
    ]);
    // 2028 is: seven days before 29 February, and not on the 28th's week.
    expect(await sweepBirthdays(db, { now: noonInJapan('2028-02-21') })).toBe(0);
    expect(await sweepBirthdays(db, { now: noonInJapan('2028-02-22') })).toBe(1);
    expect((await firings(app, id)).map((f) => f.detail)).toEqual([{ day: '2027-02-28' }, { day: '2028-02-29' }]);
    await pause(app, id);
  });

  it('two sweeps at once (two app copies) greet each member once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const born = await Promise.all(Array.from({ length: 12 }, () => member(app, { birthday: '1985-05-05' })));
    const id = await birthdayTrigger(app);

    const now = noonInJapan('2027-05-05');
    const [a, b] = await Promise.all([sweepBirthdays(db, { now }), sweepBirthdays(db, { now })]);
    expect(a + b).toBe(12);
    const rows = await firings(app, id);
    expect(rows.length).toBe(12);
    expect(new Set(rows.map((r) => r.customer_id))).toEqual(new Set(born.map((m) => m.id)));
    for (const m of born) expect((await notices(app, m.id)).length).toBe(1);
    await pause(app, id);
  });

  it('rising to シルバー sends 「シルバー」 once; a fall sends nothing; the next rise, past the cooldown, sends again', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const aiko = await member(app);
    const id = await trigger(app, {
      name: 'ランクアップのお知らせ',
      title: '{{tier}}会員になりました',
      body: 'いつもありがとうございます。{{tier}}会員の特典をお楽しみください。',
      trigger: { kind: 'tier_up', cooldownDays: 1 },
    });

    const order = ref();
    await book(app, { customerId: aiko.id, kind: 'earn', spend: 50_000, reference: order }); // silver
    await deliverEvents(app);
    expect(await firings(app, id)).toEqual([
      { customer_id: aiko.id, firing: 1, status: 'queued', detail: { from: 'regular', to: 'silver' } },
    ]);
    expect((await notices(app, aiko.id)).map((n) => n.title)).toEqual(['シルバー会員になりました']);

    // The event again (a redelivery): nothing more.
    const at = new Date().toISOString();
    expect(await onTierChanged(db, { customerId: aiko.id, from: 'regular', to: 'silver', at })).toBe(0);
    // She returns it all: back to regular — a fall is never messaged.
    await book(app, { customerId: aiko.id, kind: 'reverse', reference: order });
    await deliverEvents(app);
    expect(await onTierChanged(db, { customerId: aiko.id, from: 'silver', to: 'regular', at })).toBe(0);
    expect((await firings(app, id)).length).toBe(1);
    // News of a rise to a tier she no longer holds (a late delivery) sends nothing either.
    expect(await onTierChanged(db, { customerId: aiko.id, from: 'silver', to: 'gold', at })).toBe(0);

    // A big purchase: ゴールド. Within the cooldown (a day) the rise is not sent; news of it past the cooldown is.
    await book(app, { customerId: aiko.id, kind: 'earn', spend: 150_000, reference: ref() });
    await deliverEvents(app);
    expect((await firings(app, id)).length).toBe(1);
    const tomorrow = new Date(Date.now() + 86400_000);
    expect(await onTierChanged(db, { customerId: aiko.id, from: 'regular', to: 'gold', at }, { now: tomorrow })).toBe(
      1,
    );
    expect((await firings(app, id)).map((f) => f.detail)).toEqual([
      { from: 'regular', to: 'silver' },
      { from: 'regular', to: 'gold' },
    ]);
    expect((await notices(app, aiko.id)).map((n) => n.title)).toEqual([
      'シルバー会員になりました',
      'ゴールド会員になりました',
    ]);
    await pause(app, id);
  });

  it('one rise delivered twice at once (a retry beside the first delivery) is sent once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const aiko = await member(app);
    const id = await trigger(app, {
      name: 'ランクアップ',
      title: '{{tier}}会員になりました',
      body: '特典をご確認ください。',
      trigger: { kind: 'tier_up', cooldownDays: 1 },
    });
    await book(app, { customerId: aiko.id, kind: 'earn', spend: 60_000, reference: ref() });
    const e = { customerId: aiko.id, from: 'regular' as const, to: 'silver' as const, at: new Date().toISOString() };
    const results = await Promise.all(Array.from({ length: 5 }, () => onTierChanged(db, e)));
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await firings(app, id)).length).toBe(1);
    await deliverEvents(app); // the real event, after the others: nothing more
    expect((await notices(app, aiko.id)).length).toBe(1);
    await pause(app, id);
  });

  /** Points given now (an adjustment: no spend, so no tier), their lot lapsing at `expiresAt`. */
  async function pointsLapsingAt(app: TestApp, customerId: string, points: number, expiresAt: string) {
    const given = await book(app, { customerId, kind: 'adjust', points, reason: '販促テスト' });
    await app.server.database.db.execute(
      sql`UPDATE point_lots SET expires_at = ${expiresAt}::timestamptz WHERE entry_id = ${given.entry.id}`,
    );
  }

  const expiringTrigger = (app: TestApp) =>
    trigger(app, {
      name: 'ポイント失効のお知らせ',
      title: 'まもなく失効するポイントがあります',
      body: '{{points}}ポイントが{{date}}から順に有効期限を迎えます。',
      link: '/account/points',
      trigger: { kind: 'points_expiring', withinDays: 30, minPoints: 100, cooldownDays: 7 },
    });

  it('points lapsing within 30 days: 「1,200ポイントが2027年1月31日から…」 once per expiry date, none below 100', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const aiko = await member(app);
    const few = await member(app);
    const id = await expiringTrigger(app);
    await pointsLapsingAt(app, aiko.id, 1_000, '2027-01-31T05:00:00Z');
    await pointsLapsingAt(app, aiko.id, 200, '2027-01-31T10:00:00Z'); // the same day in Japan (19:00)
    await pointsLapsingAt(app, aiko.id, 300, '2027-02-20T05:00:00Z'); // later: outside 30 days
    await pointsLapsingAt(app, few.id, 99, '2027-01-20T05:00:00Z'); // below minPoints

    expect(await sweepExpiringPoints(db, { now: noonInJapan('2026-12-20') })).toBe(0); // 42 days ahead
    expect(await sweepExpiringPoints(db, { now: noonInJapan('2027-01-05') })).toBe(1);
    expect(await firings(app, id)).toEqual([
      { customer_id: aiko.id, firing: 1, status: 'queued', detail: { points: 1200, expiresOn: '2027-01-31' } },
    ]);
    expect((await notices(app, aiko.id)).map((n) => n.body)).toEqual([
      '1,200ポイントが2027年1月31日から順に有効期限を迎えます。',
    ]);
    expect(await notices(app, few.id)).toEqual([]);
    // Every day after, the same lots: nothing more.
    expect(await sweepExpiringPoints(db, { now: noonInJapan('2027-01-06') })).toBe(0);
    expect(await sweepExpiringPoints(db, { now: noonInJapan('2027-01-20') })).toBe(0);
    // Once 31 January has passed, the next lot's date is a new occasion.
    expect(await sweepExpiringPoints(db, { now: noonInJapan('2027-02-01') })).toBe(1);
    expect((await firings(app, id)).map((f) => f.detail)).toEqual([
      { points: 1200, expiresOn: '2027-01-31' },
      { points: 300, expiresOn: '2027-02-20' },
    ]);
    await pause(app, id);
  });

  it('two sweeps at once (two app copies) remind each member once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const them = await Promise.all(Array.from({ length: 8 }, () => member(app)));
    for (const m of them) await pointsLapsingAt(app, m.id, 500, '2027-03-31T05:00:00Z');
    const id = await expiringTrigger(app);

    const now = noonInJapan('2027-03-15');
    const [a, b] = await Promise.all([sweepExpiringPoints(db, { now }), sweepExpiringPoints(db, { now })]);
    expect(a + b).toBe(8);
    expect((await firings(app, id)).length).toBe(8);
    for (const m of them) expect((await notices(app, m.id)).length).toBe(1);
    await pause(app, id);
  });
});
