import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { type Db } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { createTestLocation, describeEachDatabase, newStaff, registerCustomer } from '../../test/harness.ts';
import { refreshPurchaseFacts } from '../orders/service.ts';
import { keepRfmGrid } from './rfm-grid.ts';

/**
 * RFM分析's grid over the segments' own scores: 40 members with 1–6 orders each over the year (and one
 * cancelled, one returned, one from before the year), so every cell's count is what the segment preview of
 * its `rfm_score` rule counts, every named group's is its `rfm_group` preview, and the spend is the year's
 * orders net of returns. Staff without a marketing role get 403.
 */
async function order(
  db: Db,
  customerId: string,
  daysAgo: number,
  total: number,
  opts: { status?: string; returned?: number } = {},
) {
  const id = newId('ord');
  await db.execute(sql`INSERT INTO orders (id, number, channel, customer_id, status, subtotal, total, taxes, created_at)
    VALUES (${id}, ${`RG-${id.slice(-12)}`}, 'web', ${customerId}, ${opts.status ?? 'completed'}, ${total}, ${total}, '[]'::jsonb,
            now() - make_interval(secs => ${daysAgo * 86400}))`);
  await db.execute(sql`INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity, unit_price, total, tax_rate, returned_quantity)
    VALUES (${newId('oln')}, ${id}, 'ful_x', 'var_x', 'prd_x', 'x', '{}'::jsonb, '4900000000000', 2, ${total / 2}, ${total}, 10, ${opts.returned ?? 0})`);
}

describeEachDatabase('RFM grid', (ctx) => {
  it('counts each cell and group as the segment preview of its rule does, with the year’s net spend', async () => {
    const app = ctx();
    const db = app.server.database.db;
    let expectedSpend = 0;
    for (let i = 0; i < 40; i++) {
      const id = (await registerCustomer(app)).customer.id;
      const orders = 1 + (i % 6);
      for (let k = 0; k < orders; k++) {
        const total = 1000 * (1 + ((i * 7 + k * 3) % 9)) * 2;
        await order(db, id, 3 + ((i * 37 + k * 53) % 350), total);
        expectedSpend += total;
      }
      if (i === 5) await order(db, id, 10, 50_000, { status: 'cancelled' });
      if (i === 6) {
        await order(db, id, 12, 8000, { returned: 1 });
        expectedSpend += 4000;
      }
      if (i === 7) await order(db, id, 400, 90_000);
    }
    await refreshPurchaseFacts(db);

    const res = await app.api('GET', '/api/segments/rfm-grid');
    expect(res.statusCode, res.body).toBe(200);
    const grid = res.json() as {
      buyers: number;
      spend: number;
      cells: Array<{ r: number; f: number; members: number; spend: number }>;
      groups: Array<{ group: string; members: number }>;
    };
    expect(grid.buyers).toBe(40);
    expect(grid.spend).toBe(expectedSpend);
    expect(grid.cells.reduce((s, c) => s + c.members, 0)).toBe(40);
    expect(grid.cells.length).toBeGreaterThan(5);
    const preview = async (condition: Record<string, unknown>) => {
      const p = await app.api('POST', '/api/segments/preview', { body: { rules: { conditions: [condition] } } });
      expect(p.statusCode, p.body).toBe(200);
      return p.json().count as number;
    };
    for (const c of grid.cells)
      expect(await preview({ field: 'rfm_score', recency: [c.r], frequency: [c.f] }), `R${c.r} F${c.f}`).toBe(
        c.members,
      );
    for (const g of grid.groups) expect(await preview({ field: 'rfm_group', in: [g.group] }), g.group).toBe(g.members);
    expect(grid.groups.reduce((s, g) => s + g.members, 0)).toBe(40);

    // Kept (as the job keeps it at a large chain): read while recent, even though a new buyer came since.
    const { asOf: _live, ...figures } = res.json();
    expect(await keepRfmGrid(db, { minBuyers: 1 })).toBe(40);
    const newcomer = (await registerCustomer(app)).customer.id;
    await order(db, newcomer, 1, 3000);
    await refreshPurchaseFacts(db);
    const kept = (await app.api('GET', '/api/segments/rfm-grid')).json();
    expect(kept).toMatchObject(figures);
    expect(Date.now() - Date.parse(kept.asOf)).toBeLessThan(60_000);
    // Older than RFM_CUTS_MAX_AGE_MINUTES: computed again, with her.
    await db.execute(sql`UPDATE rfm_grid_state SET computed_at = now() - interval '11 minutes'`);
    expect((await app.api('GET', '/api/segments/rfm-grid')).json()).toMatchObject({ buyers: 41 });
    // With fewer buyers than RFM_REUSE_FROM the job keeps nothing: every read is computed.
    await db.execute(sql`UPDATE rfm_grid_state SET computed_at = now()`);
    expect(await keepRfmGrid(db)).toBe(41);
    expect((await app.api('GET', '/api/segments/rfm-grid')).json()).toMatchObject({ buyers: 41 });

    const clerk = await newStaff(app, 'staff', [await createTestLocation(app)]);
    expect((await app.api('GET', '/api/segments/rfm-grid', { token: clerk.token })).statusCode).toBe(403);
  });
});
