import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { DomainError, defineProblems, type CodesOf } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { getLocation } from '../locations/service.ts';
import { returnAtLocation } from '../inventory/service.ts';
import { adjustPoints, refundToWallet, reverseForReturn, topUpWallet } from '../loyalty/service.ts';
import { recordFact } from '../events/service.ts';
import type { OrderDeps } from './deps.ts';
import { allocate } from './tax.ts';
import { emitReturnCreated, emitRefundSucceeded } from './events.ts';
import {
  fulfilments,
  orderLines,
  orders,
  payments,
  returnLines,
  returns,
  type FulfilmentStatus,
  type RefundMethod,
  type ReturnCondition,
  type ReturnRefund,
} from './schema.ts';
import { orderView, type OrderView } from './views.ts';
import type { ReturnInput } from './schemas.ts';

export const returnProblems = defineProblems({
  'return.not_returnable': {
    status: 409,
    ja: {
      title: 'この商品はまだ返品できません',
      detail: (p) => `お渡しが済んだ商品だけ返品できます（${p.orderLineId}: ${p.status}）。`,
    },
    en: {
      title: 'Not returnable yet',
      detail: (p) => `Only handed-over goods can be returned (${p.orderLineId} is ${p.status}).`,
    },
  },
  'return.exceeds_quantity': {
    status: 409,
    ja: {
      title: '返品できる数量を超えています',
      detail: (p) => `購入 ${p.quantity} 点のうち ${p.returned} 点は返品済みです（今回 ${p.requested} 点）。`,
    },
    en: {
      title: 'More than can be returned',
      detail: (p) => `${p.returned} of ${p.quantity} were already returned; ${p.requested} more is too many.`,
    },
  },
});

/** A fulfilment in one of these states has left us: its lines may come back. */
const HANDED_OVER: FulfilmentStatus[] = ['picked_up', 'shipped', 'delivered', 'completed'];

export type { ReturnInput };

export interface ReturnView {
  id: string;
  orderId: string;
  locationId: string;
  staffId: string | null;
  reason: string;
  refundMethod: RefundMethod;
  refundTotal: number;
  /** Per original payment: how much went back and how. */
  refunds: ReturnRefund[];
  /** The refund total per way it went back (card, wallet, points, cash). */
  byMethod: Record<ReturnRefund['refundedAs'], number>;
  pointsReversed: number;
  pointsUnrecovered: number;
  lines: Array<{
    orderLineId: string;
    variantId: string;
    quantity: number;
    condition: ReturnCondition;
    amount: number;
  }>;
  createdAt: string;
}

export interface ReturnResult {
  return: ReturnView;
  order: OrderView;
  replayed: boolean;
}

/**
 * Returns anywhere: goods bought in any channel come back at any store. In one transaction, under the
 * order's row lock (so two returns of the last unit cannot both pass): the quantities are checked against
 * what was handed over and not yet returned, the store books the goods in (damaged ones are written off at
 * once), the money goes back in proportion to the order's payments (wallet, points, cash at the till; the
 * card is refunded with the provider after the commit), the points the order earned are taken back in
 * proportion, and the customer's timeline shows it. The same Idempotency-Key finds the first return.
 */
export async function createReturn(
  db: Db,
  deps: OrderDeps,
  actor: Principal,
  orderId: string,
  input: ReturnInput,
  idempotencyKey?: string | undefined,
): Promise<ReturnResult> {
  const staff = assertCanActAt(actor, input.locationId);
  await getLocation(db, input.locationId);
  const refundMethod = input.refundMethod ?? 'original';
  const key = idempotencyKey ?? null;
  if (key) {
    const first = await findByKey(db, orderId, key);
    // A retry with the same key finishes a card refund the provider did not confirm the first time.
    if (first) return refundCards(db, deps, first).then(() => result(db, first, true));
  }
  let outcome: { returnId: string; replayed: boolean };
  try {
    outcome = await inTransaction(db, (tx) =>
      recordReturn(tx, { staffId: staff.staffId, actor, orderId, input, refundMethod, key }),
    );
  } catch (err) {
    // Two requests with the same key raced: the second finds the first.
    if (key && sqlState(err) === '23505') {
      const first = await findByKey(db, orderId, key);
      if (first) return result(db, first, true);
    }
    throw err;
  }
  await refundCards(db, deps, outcome.returnId);
  return result(db, outcome.returnId, outcome.replayed);
}

async function findByKey(db: Executor, orderId: string, key: string): Promise<string | null> {
  const [r] = await db
    .select({ id: returns.id })
    .from(returns)
    .where(and(eq(returns.orderId, orderId), eq(returns.idempotencyKey, key)));
  return r?.id ?? null;
}

interface Recording {
  staffId: string;
  actor: Principal;
  orderId: string;
  input: ReturnInput;
  refundMethod: RefundMethod;
  key: string | null;
}

async function recordReturn(tx: Tx, r: Recording): Promise<{ returnId: string; replayed: boolean }> {
  const { input, orderId } = r;
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  if (!order) throw new DomainError('order.not_found', { orderId });
  if (r.key) {
    const first = await findByKey(tx, orderId, r.key);
    if (first) return { returnId: first, replayed: true };
  }
  if (r.refundMethod === 'wallet' && !order.customerId)
    throw new DomainError('platform.validation', {}, [{ field: 'refundMethod', message: 'members_only' }]);
  const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, orderId));
  const fuls = await tx.select().from(fulfilments).where(eq(fulfilments.orderId, orderId));

  // One entry per (line, condition); quantities checked per line against bought − already returned.
  const wanted = new Map<string, { orderLineId: string; condition: ReturnCondition; quantity: number }>();
  for (const [i, l] of input.lines.entries()) {
    if (!lines.some((ol) => ol.id === l.orderLineId))
      throw new DomainError('platform.validation', {}, [{ field: `lines.${i}.orderLineId`, message: 'not_in_order' }]);
    const condition = l.condition ?? 'resellable';
    const k = `${l.orderLineId}\u0000${condition}`;
    const w = wanted.get(k);
    if (w) w.quantity += l.quantity;
    else wanted.set(k, { orderLineId: l.orderLineId, condition, quantity: l.quantity });
  }
  const returnId = newId('ret');
  const returned = new Map(lines.map((l) => [l.id, l.returnedQuantity]));
  const rows: Array<typeof returnLines.$inferInsert> = [];
  for (const w of wanted.values()) {
    const line = lines.find((l) => l.id === w.orderLineId)!;
    const f = fuls.find((x) => x.id === line.fulfilmentId);
    if (order.status === 'cancelled' || !f || !HANDED_OVER.includes(f.status))
      throw new DomainError('return.not_returnable', {
        orderLineId: line.id,
        status: order.status === 'cancelled' ? 'cancelled' : (f?.status ?? 'unknown'),
      });
    const before = returned.get(line.id)!;
    if (before + w.quantity > line.quantity)
      throw new DomainError('return.exceeds_quantity', {
        orderLineId: line.id,
        quantity: line.quantity,
        returned: line.returnedQuantity,
        requested: before + w.quantity - line.returnedQuantity,
      });
    // The paid total after discounts, by cumulative share: returning a line in any steps gives back exactly its total.
    const amount =
      Math.floor((line.total * (before + w.quantity)) / line.quantity) -
      Math.floor((line.total * before) / line.quantity);
    returned.set(line.id, before + w.quantity);
    rows.push({
      returnId,
      orderLineId: line.id,
      variantId: line.variantId,
      quantity: w.quantity,
      condition: w.condition,
      amount,
    });
  }
  for (const [lineId, quantity] of returned) {
    const line = lines.find((l) => l.id === lineId)!;
    if (quantity === line.returnedQuantity) continue;
    await tx
      .update(orderLines)
      .set({ returnedQuantity: quantity })
      .where(and(eq(orderLines.id, lineId), eq(orderLines.returnedQuantity, line.returnedQuantity)));
  }

  // The goods: booked in at the store that took them; damaged ones written off at once (see returnAtLocation).
  const stock = (condition: ReturnCondition) =>
    rows
      .filter((x) => x.condition === condition)
      .map((x) => ({ variantId: x.variantId, locationId: input.locationId, quantity: x.quantity }));
  const note = `返品 ${order.number}: ${input.reason}`.slice(0, 500);
  await returnAtLocation(tx, r.actor, stock('resellable'), returnId, { note });
  await returnAtLocation(tx, r.actor, stock('damaged'), returnId, { note, damaged: true });

  // The money: in proportion to what is still refundable on each payment (so several returns stay proportional).
  const wantedTotal = rows.reduce((s, x) => s + x.amount, 0);
  const pays = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), inArray(payments.status, ['captured', 'partially_refunded'])))
    .orderBy(asc(payments.createdAt), asc(payments.id));
  const room = pays.map((p) => p.capturedAmount - p.refundedAmount);
  const refundTotal = Math.min(
    wantedTotal,
    room.reduce((s, x) => s + x, 0),
  );
  const shares = allocate(refundTotal, room);
  const at = { channel: 'store' as const, locationId: input.locationId, staffId: r.staffId };
  const refunds: ReturnRefund[] = [];
  for (const [i, p] of pays.entries()) {
    const amount = shares[i]!;
    if (amount <= 0) continue;
    const reference = `return:${returnId}:${p.id}`;
    let refundedAs: ReturnRefund['refundedAs'];
    let status: ReturnRefund['status'] = 'refunded';
    if (p.method === 'card') {
      refundedAs = 'card';
      status = 'pending'; // the provider is called after the commit
    } else if (p.method === 'wallet') {
      await refundToWallet(tx, {
        customerId: order.customerId!,
        amount,
        reference: order.id,
        refundReference: reference,
        ...at,
      });
      refundedAs = 'wallet';
    } else if (p.method === 'points') {
      await adjustPoints(tx, {
        customerId: order.customerId!,
        points: amount,
        reference,
        reason: `返品 ${order.number}: ポイント払い分の返却`,
        ...at,
      });
      refundedAs = 'points';
    } else if (r.refundMethod === 'wallet') {
      await topUpWallet(tx, { customerId: order.customerId!, amount, method: 'other', reference, ...at });
      refundedAs = 'wallet';
    } else {
      refundedAs = 'cash'; // cash, terminal and pay-at-store money is handed back at the till
    }
    await tx
      .update(payments)
      .set({
        refundedAmount: sql`${payments.refundedAmount} + ${amount}`,
        status: sql`CASE WHEN ${payments.refundedAmount} + ${amount} >= ${payments.capturedAmount} THEN 'refunded' ELSE 'partially_refunded' END`,
        updatedAt: sql`now()`,
      })
      .where(eq(payments.id, p.id));
    refunds.push({ paymentId: p.id, method: p.method, refundedAs, amount, status });
  }

  // The points the order earned: taken back for the returned spend that earned them (not the part paid with points).
  let pointsReversed = 0;
  let pointsUnrecovered = 0;
  const pointsBack = refunds.filter((x) => x.refundedAs === 'points').reduce((s, x) => s + x.amount, 0);
  const spend = refundTotal - pointsBack;
  if (order.customerId && order.pointsEarned > 0 && spend > 0) {
    const reversed = await reverseForReturn(tx, {
      customerId: order.customerId,
      reference: order.id,
      spend,
      returnReference: returnId,
      ...at,
    });
    pointsReversed = Math.abs(reversed.entry.points);
    pointsUnrecovered = reversed.unrecovered;
  }

  await tx.insert(returns).values({
    id: returnId,
    orderId,
    locationId: input.locationId,
    staffId: r.staffId,
    reason: input.reason,
    refundMethod: r.refundMethod,
    idempotencyKey: r.key,
    refundTotal,
    refunds,
    pointsReversed,
    pointsUnrecovered,
  });
  await tx.insert(returnLines).values(rows);
  await tx
    .update(orders)
    .set({ updatedAt: sql`now()` })
    .where(eq(orders.id, orderId));
  for (const x of refunds)
    if (x.status === 'refunded')
      await emitRefundSucceeded(tx, {
        orderId,
        returnId,
        paymentId: x.paymentId,
        method: x.method,
        refundedAs: x.refundedAs,
        amount: x.amount,
      });
  await emitReturnCreated(tx, {
    order: { id: order.id, number: order.number, channel: order.channel, customerId: order.customerId },
    return: {
      id: returnId,
      locationId: input.locationId,
      refundTotal,
      items: rows.reduce((n, x) => n + x.quantity, 0),
    },
    by: r.staffId,
    at: new Date().toISOString(),
  });
  if (order.customerId) {
    await recordFact(tx, {
      type: 'return_received',
      customerId: order.customerId,
      channel: 'store',
      locationId: input.locationId,
      source: r.staffId,
      payload: {
        orderId,
        number: order.number,
        returnId,
        refundTotal,
        byMethod: byMethodOf(refunds),
        items: rows.reduce((s, x) => s + x.quantity, 0),
        reason: input.reason,
        pointsReversed,
      },
    });
  }
  return { returnId, replayed: false };
}

/**
 * Card refunds go to the provider after the commit (it is outside our database), each with its own
 * idempotency key, then are marked refunded. One the provider refuses stays `pending` on the return.
 */
/**
 * Card refunds the provider did not confirm (down, timed out) are asked again until it does: each is
 * idempotent by its key (return + payment), so a refund that did go through is not made twice, and
 * several app copies may run this at once. Only returns older than `minAgeMs` (the request itself is
 * still trying the newest). Returns how many refunds went through.
 */
export async function retryCardRefunds(
  db: Db,
  deps: OrderDeps,
  opts: { now?: Date; minAgeMs?: number; batch?: number } = {},
): Promise<number> {
  const before = new Date((opts.now ?? new Date()).getTime() - (opts.minAgeMs ?? 60_000));
  const due = await db
    .select({ id: returns.id })
    .from(returns)
    .where(
      and(
        sql`${returns.refunds} @> '[{"refundedAs":"card","status":"pending"}]'::jsonb`,
        sql`${returns.createdAt} < ${before}`,
      ),
    )
    .orderBy(asc(returns.createdAt))
    .limit(opts.batch ?? 50);
  let n = 0;
  for (const r of due) n += await refundCards(db, deps, r.id);
  return n;
}

async function refundCards(db: Db, deps: OrderDeps, returnId: string): Promise<number> {
  const [ret] = await db.select().from(returns).where(eq(returns.id, returnId));
  const pending = ret?.refunds.filter((x) => x.refundedAs === 'card' && x.status === 'pending') ?? [];
  if (!pending.length) return 0;
  const done = new Set<string>();
  for (const x of pending) {
    const [p] = await db.select().from(payments).where(eq(payments.id, x.paymentId));
    if (!p?.providerRef) continue;
    try {
      await deps.card.refund(p.providerRef, x.amount, `return:${returnId}:${p.id}`);
      done.add(x.paymentId);
    } catch (err) {
      console.error(`card refund for return ${returnId} failed`, err);
    }
  }
  if (!done.size) return 0;
  await inTransaction(db, async (tx) => {
    const [locked] = await tx.select().from(returns).where(eq(returns.id, returnId)).for('update');
    const now = locked!.refunds.filter(
      (x) => x.refundedAs === 'card' && x.status === 'pending' && done.has(x.paymentId),
    );
    const refunds = locked!.refunds.map((x) => (now.includes(x) ? { ...x, status: 'refunded' as const } : x));
    await tx.update(returns).set({ refunds }).where(eq(returns.id, returnId));
    for (const x of now)
      await emitRefundSucceeded(tx, {
        orderId: locked!.orderId,
        returnId,
        paymentId: x.paymentId,
        method: x.method,
        refundedAs: x.refundedAs,
        amount: x.amount,
      });
  });
  return done.size;
}

function byMethodOf(refunds: ReturnRefund[]): ReturnView['byMethod'] {
  const out = { card: 0, wallet: 0, points: 0, cash: 0 };
  for (const x of refunds) out[x.refundedAs] += x.amount;
  return out;
}

export async function returnView(db: Executor, returnId: string): Promise<ReturnView> {
  const [r] = await db.select().from(returns).where(eq(returns.id, returnId));
  if (!r) throw new DomainError('order.not_found', { orderId: returnId });
  const lines = await db
    .select()
    .from(returnLines)
    .where(eq(returnLines.returnId, returnId))
    .orderBy(asc(returnLines.orderLineId), asc(returnLines.condition));
  return {
    id: r.id,
    orderId: r.orderId,
    locationId: r.locationId,
    staffId: r.staffId,
    reason: r.reason,
    refundMethod: r.refundMethod,
    refundTotal: r.refundTotal,
    refunds: r.refunds,
    byMethod: byMethodOf(r.refunds),
    pointsReversed: r.pointsReversed,
    pointsUnrecovered: r.pointsUnrecovered,
    lines: lines.map(({ returnId: _r, ...l }) => l),
    createdAt: r.createdAt.toISOString(),
  };
}

/** An order's returns, oldest first. */
/** `w001234`, `Ｗ－００１２３４` or `W-001234` as typed or scanned at the counter → `W-001234`. */
export function normalizeOrderNumber(raw: string): string {
  const s = raw
    .normalize('NFKC')
    .trim()
    .toUpperCase()
    .replace(/[\s‐-―−ー]/g, '-');
  const m = /^([A-Z])-?(\d{4,})$/.exec(s);
  return m ? `${m[1]}-${m[2]}` : s;
}

/**
 * The order a customer brings back, by the number on her receipt or order page, with its earlier
 * returns. Returns are taken anywhere, so any member of staff may look an order up this way (not only
 * at the store that sold it); the return itself is booked at a store of theirs (createReturn).
 */
export async function orderForReturn(
  db: Db,
  actor: Principal,
  rawNumber: string,
): Promise<{ order: OrderView; returns: ReturnView[] }> {
  requireStaff(actor);
  const number = normalizeOrderNumber(rawNumber);
  const [row] = await db.select({ id: orders.id }).from(orders).where(eq(orders.number, number));
  if (!row) throw new DomainError('order.not_found', { orderId: number });
  return { order: await orderView(db, row.id), returns: await returnsOf(db, row.id) };
}

export async function returnsOf(db: Executor, orderId: string): Promise<ReturnView[]> {
  const rows = await db
    .select({ id: returns.id })
    .from(returns)
    .where(eq(returns.orderId, orderId))
    .orderBy(asc(returns.createdAt), asc(returns.id));
  return Promise.all(rows.map((x) => returnView(db, x.id)));
}

async function result(db: Db, returnId: string, replayed: boolean): Promise<ReturnResult> {
  const ret = await returnView(db, returnId);
  return { return: ret, order: await orderView(db, ret.orderId), replayed };
}

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof returnProblems> {}
}
