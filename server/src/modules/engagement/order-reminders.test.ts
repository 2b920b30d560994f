import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  describeEachDatabase,
  registerCustomer,
  stockedStore,
  deliverEvents,
  type TestApp,
} from '../../test/harness.ts';
import { TEST_CARDS } from '../payments/service.ts';
import { sweepHoldsExpiring, sweepPickupsWaiting } from './triggers/order-reminders.ts';

/** The service reminders migration 0033 made, on from the start. */
const HOLD = 'cmp_hold_expiring';
const PICKUP = 'cmp_pickup_waiting';
const hours = (d: Date | string, n: number) => new Date(new Date(d).getTime() + n * 3600_000);

/** Her order at `store`: a hold (取り置き, paid at the store) or a pickup paid by card. */
async function order(app: TestApp, token: string, variantId: string, store: string, type: 'hold' | 'pickup') {
  const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
  const line = await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 1 } });
  expect(line.statusCode, line.body).toBe(200);
  const f = await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type, locationId: store } });
  expect(f.statusCode, f.body).toBe(200);
  const body = type === 'pickup' ? { payment: { method: 'card', card: { number: TEST_CARDS.approved } } } : {};
  const res = await app.api('POST', `/api/carts/${cart.id}/checkout`, { token, body });
  expect(res.statusCode, res.body).toBe(201);
  const o = res.json();
  const fid = o.fulfilments[0].id as string;
  // A hold is paid when she collects it: cash at the till.
  const move = async (status: string) => {
    const payments = type === 'hold' && status === 'picked_up' ? [{ method: 'cash', amount: o.total }] : undefined;
    const r = await app.api('POST', `/api/orders/${o.id}/fulfilments/${fid}/status`, {
      body: { status, ...(payments ? { payments } : {}) },
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().fulfilments[0] as { readyAt: string | null; deadline: string };
  };
  return { id: o.id as string, number: o.number as string, fid, deadline: o.fulfilments[0].deadline as string, move };
}

async function reminders(app: TestApp, customerId: string) {
  return query<{ kind: string; title: string; body: string; payload: Record<string, unknown> }>(
    app.server.database.db,
    sql`SELECT kind, title, body, payload FROM notifications
         WHERE customer_id = ${customerId} AND kind IN ('hold_expiring', 'pickup_waiting') ORDER BY created_at`,
  );
}

describeEachDatabase('order reminders: お知らせ（自動） on the trigger engine', (ctx) => {
  it('a hold due within 6 hours reminds her once, in HQ’s words, linking her order — without marketing consent', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 1);
    const { token, customer } = await registerCustomer(app); // no marketing consent on any channel
    const hold = await order(app, token, variantId, store, 'hold');
    await deliverEvents(app);
    expect(await sweepHoldsExpiring(db, { now: hours(hold.deadline, -7) })).toBe(0); // not yet
    expect(await sweepHoldsExpiring(db, { now: hours(hold.deadline, -5) })).toBe(1);
    expect(await sweepHoldsExpiring(db, { now: hours(hold.deadline, -1) })).toBe(0); // once per hold
    const [notice, ...more] = await reminders(app, customer.id);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      kind: 'hold_expiring',
      title: '取り置きの期限が近づいています',
      payload: { orderId: hold.id, link: `/account/orders/${hold.id}` },
    });
    expect(notice!.body).toMatch(
      new RegExp(`^ご注文 ${hold.number} の取り置き期限は\\d{4}年\\d+月\\d+日 \\d\\d:\\d\\dです。`),
    );
    // HQ sees the firing on the campaign page: a service message, outside holdout and cap.
    const firings = (await app.api('GET', `/api/campaigns/${HOLD}/firings`)).json();
    expect(firings.totals).toMatchObject({ firings: 1, service: 1, queued: 0, holdout: 0, capped: 0 });
    expect(firings.items[0]).toMatchObject({
      status: 'service',
      memberNumber: customer.memberNumber,
      detail: { number: hold.number, stage: 'expiring' },
    });
    const c = (await app.api('GET', `/api/campaigns/${HOLD}`)).json();
    expect(c).toMatchObject({
      service: true,
      status: 'active',
      holdoutPercent: 0,
      progress: { inbox: { delivered: 1 } },
    });
  });

  it('a hold picked up or cancelled before the sweep gets nothing; her other hold still does', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 3);
    const { token, customer } = await registerCustomer(app);
    const collected = await order(app, token, variantId, store, 'hold');
    const cancelled = await order(app, token, variantId, store, 'hold');
    const waiting = await order(app, token, variantId, store, 'hold');
    await collected.move('ready');
    await collected.move('picked_up');
    await cancelled.move('cancelled');
    expect(await sweepHoldsExpiring(db, { now: hours(waiting.deadline, -1) })).toBe(1);
    expect((await reminders(app, customer.id)).map((n) => n.payload.orderId)).toEqual([waiting.id]);
  });

  it('two sweeps at once remind once per hold, each of her holds', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const { token, customer } = await registerCustomer(app);
    const a = await order(app, token, variantId, store, 'hold');
    const b = await order(app, token, variantId, store, 'hold');
    const now = hours(a.deadline, -1);
    const recipients = async () =>
      (
        await query<{ n: number }>(
          db,
          sql`SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = ${HOLD}`,
        )
      )[0]!.n;
    const before = await recipients();
    const fired = await Promise.all([
      sweepHoldsExpiring(db, { now }),
      sweepHoldsExpiring(db, { now }),
      sweepHoldsExpiring(db, { now }),
    ]);
    // Every firing the sweeps report is one row, and hers are exactly her two holds.
    expect(fired.reduce((x, y) => x + y, 0)).toBe((await recipients()) - before);
    expect((await reminders(app, customer.id)).map((n) => n.payload.orderId).sort()).toEqual([a.id, b.id].sort());
    const [rows] = await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = ${HOLD} AND customer_id = ${customer.id}`,
    );
    expect(rows!.n).toBe(2);
  });

  it('a pickup not collected: reminded after a day at the counter, and once more the day before it is cancelled', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 1);
    const { token, customer } = await registerCustomer(app);
    const pickup = await order(app, token, variantId, store, 'pickup');
    const placedAt = new Date();
    expect(await sweepPickupsWaiting(db, { now: hours(placedAt, 30) })).toBe(0); // not ready yet: nothing to collect
    const ready = await pickup.move('ready');
    const readyAt = new Date(ready.readyAt ?? placedAt);
    expect(await sweepPickupsWaiting(db, { now: hours(readyAt, 23) })).toBe(0);
    expect(await sweepPickupsWaiting(db, { now: hours(readyAt, 25) })).toBe(1);
    expect(await sweepPickupsWaiting(db, { now: hours(readyAt, 26) })).toBe(0);
    expect(await sweepPickupsWaiting(db, { now: hours(ready.deadline, -2) })).toBe(1); // the last call
    expect(await sweepPickupsWaiting(db, { now: hours(ready.deadline, -1) })).toBe(0);
    const sent = await reminders(app, customer.id);
    expect(sent.map((n) => [n.kind, n.title])).toEqual([
      ['pickup_waiting', '商品のお受け取りをお待ちしています'],
      ['pickup_waiting', '商品のお受け取りをお待ちしています'],
    ]);
    expect(sent[0]!.body).toContain(`ご注文 ${pickup.number} の商品を`);
    const firings = (await app.api('GET', `/api/campaigns/${PICKUP}/firings`)).json();
    expect(firings.items.map((f: { detail: { stage: string } }) => f.detail.stage)).toEqual(['last_call', 'waiting']);
    await pickup.move('picked_up');
    expect(await sweepPickupsWaiting(db, { now: hours(ready.deadline, -1) })).toBe(0);
  });

  it('HQ edits the words and hours while it runs; it cannot be held out, paused, deleted or made anew', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const holdout = await app.api('PATCH', `/api/campaigns/${HOLD}`, { body: { holdoutPercent: 10 } });
    expect(holdout.statusCode).toBe(400);
    expect(holdout.headers['content-type']).toContain('application/problem+json');
    expect(holdout.json().errors).toEqual([expect.objectContaining({ field: 'holdoutPercent' })]);
    expect((await app.api('PATCH', `/api/campaigns/${HOLD}`, { body: { link: '/shop' } })).statusCode).toBe(400);
    expect(
      (
        await app.api('PATCH', `/api/campaigns/${HOLD}`, {
          body: { trigger: { kind: 'near_store', radiusM: 300, cooldownDays: 7 } },
        })
      ).statusCode,
    ).toBe(400); // the kind never changes: no marketing in its place
    const unknown = await app.api('PATCH', `/api/campaigns/${HOLD}`, { body: { body: '{{distance}}' } });
    expect(unknown.statusCode).toBe(400);
    const edited = await app.api('PATCH', `/api/campaigns/${HOLD}`, {
      body: { title: '{{store}}の取り置きは本日まで', trigger: { kind: 'hold_expiring', withinHours: 3 } },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'active', trigger: { withinHours: 3 } });
    expect((await app.api('POST', `/api/campaigns/${HOLD}/pause`)).statusCode).toBe(409);
    const del = await app.api('DELETE', `/api/campaigns/${HOLD}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().type).toBe('/problems/engagement.service_trigger');
    const made = await app.api('POST', '/api/campaigns', {
      body: {
        name: '二つ目',
        title: 't',
        body: 'b',
        trigger: { kind: 'pickup_waiting', afterHours: 1, lastCallHours: 1 },
      },
    });
    expect(made.statusCode).toBe(400);

    // The new words and hours apply at the next sweep.
    const { store, variantId } = await stockedStore(app, 1);
    const { token, customer } = await registerCustomer(app);
    const hold = await order(app, token, variantId, store, 'hold');
    expect(await sweepHoldsExpiring(db, { now: hours(hold.deadline, -5) })).toBe(0);
    expect(await sweepHoldsExpiring(db, { now: hours(hold.deadline, -2) })).toBe(1);
    expect((await reminders(app, customer.id))[0]!.title).toMatch(/の取り置きは本日まで$/);
  });
});
