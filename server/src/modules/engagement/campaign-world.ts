import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestLocation, newStaff, registerCustomer, type TestApp } from '../../test/harness.ts';

/** What campaign-push.test.ts and campaign-links.test.ts build on: members by a store of their own, a segment, an owner. */
export const SHOP = 'https://shop.example.jp';
/** Noon in Tokyo today: outside quiet hours, so push leaves at once. */
export const noon = () => new Date(new Date().toISOString().slice(0, 10) + 'T03:00:00Z');

/**
 * The first Monday, 12:00 in Japan, at least `aheadMs` from now: the test stores (open Mondays 10:00–21:00) are
 * open then. Computed, so the tests do not expire on a calendar date; it is always less than a week past the
 * minimum, so messages sent now still count towards its 7-day frequency cap.
 */
export function mondayNoon(aheadMs = 0): Date {
  const earliest = Date.now() + aheadMs;
  const d = new Date(earliest);
  d.setUTCHours(3, 0, 0, 0); // 12:00 JST
  while (d.getTime() < earliest || d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

let worlds = 0;
/** Members living by a store of their own (so the segment holds this test's members only), and an owner. */
export async function world(app: TestApp, n: number) {
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

export async function campaign(app: TestApp, segmentId: string) {
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

export const progressOf = async (app: TestApp, id: string) => {
  const res = await app.api('GET', `/api/campaigns/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().progress as {
    channels: Array<{ channel: string; sent: number; failed: number; clicked: number }>;
  };
};

/** The holdout draw, as the server makes it: md5(campaign id ‖ member id), its first 32 bits, mod 100. */
export const heldOut = (campaignId: string, customerId: string, percent: number) =>
  parseInt(
    createHash('md5')
      .update(campaignId + customerId)
      .digest('hex')
      .slice(0, 8),
    16,
  ) %
    100 <
  percent;
