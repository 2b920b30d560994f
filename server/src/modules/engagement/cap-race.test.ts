import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { createTestLocation, describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { FREQUENCY_CAP } from './rules.ts';
import { onPositionReported } from './triggers/near-store.ts';
import { mondayNoon } from './campaign-world.ts';

/** An hour ahead at least: the send made now comes before it, inside its 7-day cap. */
const MONDAY_NOON = mondayNoon(3600_000);

let worlds = 0;

async function created(app: TestApp, body: Record<string, unknown>) {
  const res = await app.api('POST', '/api/campaigns', {
    body: { title: '渋谷店からのお知らせ', body: '本日ご来店の方へ。', link: '/shop', holdoutPercent: 0, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/**
 * The frequency cap is one decision per member however the messages come: a segment send takes the cap
 * lock alone, a trigger firing shares it and locks its member, so neither counts before the other commits.
 */
describeEachDatabase('the frequency cap holds when a segment send and a trigger race', (ctx) => {
  it('twenty members at one message each: a send and their triggers at once leave each at two, never three', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const at = { lat: 10 + 0.5 * ++worlds, lng: 139.7 };
    const store = await createTestLocation(app, { name: '渋谷店', ...at });
    const members: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await registerCustomer(app);
      const consent = await app.api('PUT', '/api/account/consents', {
        token: r.token,
        body: { items: [{ channel: 'location', purpose: 'marketing', granted: true }] },
      });
      expect(consent.statusCode, consent.body).toBe(200);
      await db.execute(sql`UPDATE customers SET home_location_id = ${store} WHERE id = ${r.customer.id}`);
      members.push(r.customer.id);
    }
    const segment = await app.api('POST', '/api/segments', {
      body: { name: '渋谷店の会員', rules: { conditions: [{ field: 'near_store', locationId: store, km: 1 }] } },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    const segmentId = segment.json().id as string;

    const first = await created(app, { name: '一通目', segmentId });
    expect((await app.api('POST', `/api/campaigns/${first}/send`)).statusCode).toBe(200);
    const second = await created(app, { name: '二通目', segmentId });
    const near = await created(app, {
      name: '近くの会員へ',
      title: '{{store}}まで {{distance}}',
      trigger: { kind: 'near_store', radiusM: 500, cooldownDays: 7, locationIds: [store] },
    });
    expect((await app.api('POST', `/api/campaigns/${near}/activate`)).statusCode).toBe(200);

    // Each member is by the store as the second campaign goes out: both want her second (and last) message.
    const [sent] = await Promise.all([
      app.api('POST', `/api/campaigns/${second}/send`),
      ...members.map((customerId) =>
        onPositionReported(
          db,
          { customerId, lat: at.lat + 0.0027, lng: at.lng, at: MONDAY_NOON.toISOString() },
          { now: MONDAY_NOON },
        ),
      ),
    ]);
    expect(sent.statusCode, sent.body).toBe(200);

    const rows = await query<{ customer_id: string; queued: number; capped: number }>(
      db,
      sql`SELECT customer_id, count(*) FILTER (WHERE status = 'queued')::int AS queued,
                 count(*) FILTER (WHERE status = 'capped')::int AS capped
            FROM campaign_recipients WHERE campaign_id IN (${first}, ${second}, ${near})
           GROUP BY customer_id`,
    );
    expect(rows.length).toBe(members.length);
    for (const r of rows) expect([r.queued, r.capped], r.customer_id).toEqual([FREQUENCY_CAP.messages, 1]);
    await app.api('POST', `/api/campaigns/${near}/pause`);
  }, 120_000);
});
