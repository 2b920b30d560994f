import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { describeEachDatabase, registerCustomer } from '../../test/harness.ts';
import { lastStoreVisitSql } from './audience.ts';
import { eraseCustomerEvents, moveCustomerEvents, moveCustomerEventsBack } from './per-customer.ts';

/** Each member's kept last store visit is the latest of her store events, whatever happens to them. */

async function visit(db: Db, customerId: string, daysAgo: number, channel = 'store') {
  const id = newId('evt');
  await db.execute(sql`INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, source, payload)
    VALUES (${id}, 'store_visit', now() - make_interval(days => ${daysAgo}), ${channel}, ${customerId}, 'test', '{}'::jsonb)`);
  return id;
}

async function expectExact(db: Db, members: string[]) {
  const list = JSON.stringify(members);
  const kept = await query(
    db,
    sql`SELECT customer_id, last_at FROM (${lastStoreVisitSql()}) v
         WHERE customer_id IN (SELECT jsonb_array_elements_text(${list}::jsonb)) ORDER BY customer_id`,
  );
  const truth = await query(
    db,
    sql`SELECT customer_id, max(occurred_at) AS last_at FROM customer_events
         WHERE channel = 'store' AND customer_id IN (SELECT jsonb_array_elements_text(${list}::jsonb))
         GROUP BY customer_id ORDER BY customer_id`,
  );
  expect(kept).toEqual(truth);
  return kept.length;
}

describeEachDatabase('last store visits', (ctx) => {
  it('follow her store events as they arrive, move in a merge and back, and are erased', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const [a, b] = await Promise.all([registerCustomer(app), registerCustomer(app)]).then((r) =>
      r.map((x) => x.customer.id),
    );
    await visit(db, a!, 30);
    await visit(db, a!, 5);
    await visit(db, a!, 1, 'web'); // not a store visit
    await visit(db, b!, 60);
    expect(await expectExact(db, [a!, b!])).toBe(2);
    await visit(db, a!, 10); // older than her last: changes nothing
    await expectExact(db, [a!, b!]);

    await db.transaction(async (tx) => {
      const moved = await moveCustomerEvents(tx, a!, b!);
      expect(await expectExact(tx as unknown as Db, [a!, b!])).toBe(1); // a has none left
      await moveCustomerEventsBack(tx, moved, b!, a!);
    });
    expect(await expectExact(db, [a!, b!])).toBe(2);

    await db.transaction((tx) => eraseCustomerEvents(tx, a!).then(() => undefined));
    expect(await expectExact(db, [a!, b!])).toBe(1);
  });
});
