import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue, type OutboxMessage } from '../../platform/outbox.ts';
import { hasConsent } from '../customers/consents.ts';
import { customerIdentifiers } from '../customers/schema.ts';
import { fulfilments, orders, type FulfilmentStatus } from '../orders/schema.ts';
import { notifications, webhookEndpoints, type NotificationKind } from './schema.ts';
import { FULFILMENT_NAMES, jaDateTime } from './templates.ts';

type Order = typeof orders.$inferSelect;
type Fulfilment = typeof fulfilments.$inferSelect;

/**
 * How the orders module tells customers and integrations about a change. Every method takes the
 * caller's transaction: the inbox row, the e-mail and the webhook deliveries commit (or vanish) with it.
 */
export interface Notifier {
  /** An order was placed: inbox + e-mail (order received) for orders placed online, `order.placed` webhooks for all. */
  orderPlaced(tx: Executor, order: Order, f: Fulfilment): Promise<void>;
  /** A fulfilment moved to `status`: inbox + e-mail for the customer-facing moves, webhooks for all. */
  fulfilmentChanged(tx: Executor, order: Order, f: Fulfilment, status: FulfilmentStatus): Promise<void>;
}

type Facing = { kind: NotificationKind; mail?: string };

/** Placing an order online: she hears it was received (order messages are transactional). */
const PLACED: Facing = { kind: 'order_placed', mail: 'order_placed' };

/** Customer-facing moves: what the inbox and the e-mail say (order messages are transactional). */
const CUSTOMER_FACING: Partial<Record<FulfilmentStatus, Facing>> = {
  ready: { kind: 'order_ready', mail: 'order_ready' },
  shipped: { kind: 'order_shipped' },
  cancelled: { kind: 'order_cancelled', mail: 'order_cancelled' },
};
/** A local delivery is not collected: "ready" is for the rider; the customer hears when it leaves and arrives. */
const DELIVERY_FACING: Partial<Record<FulfilmentStatus, Facing>> = {
  shipped: { kind: 'order_out_for_delivery', mail: 'order_out_for_delivery' },
  delivered: { kind: 'order_delivered' },
  cancelled: CUSTOMER_FACING.cancelled!,
};

export function inboxText(kind: NotificationKind, p: { number: string; type?: string; pickupCode?: string | null; deadline?: string | null | undefined; slotStart?: string | null | undefined }): { title: string; body: string } {
  const deadline = jaDateTime(p.deadline);
  const slot = jaDateTime(p.slotStart);
  switch (kind) {
    case 'order_placed':
      return { title: 'ご注文を承りました', body: `ご注文 ${p.number}（${FULFILMENT_NAMES[p.type ?? '']?.ja ?? p.type}）を承りました。${p.type === 'hold' && deadline ? `取り置き期限: ${deadline}` : ''}` };
    case 'order_ready':
      return { title: '商品のご用意ができました', body: `ご注文 ${p.number} の商品を店頭でお受け取りいただけます。${p.pickupCode ? `受け取りコード: ${p.pickupCode}。` : ''}${deadline ? `期限: ${deadline}` : ''}` };
    case 'order_shipped':
      return { title: '商品を発送しました', body: `ご注文 ${p.number} の商品を発送しました。到着まで今しばらくお待ちください。` };
    case 'order_out_for_delivery':
      return { title: '配達に出発しました', body: `ご注文 ${p.number} の商品を店舗から配達に出発しました。${slot ? `${slot} からの時間帯にお届けします。` : ''}` };
    case 'order_delivered':
      return { title: 'お届けしました', body: `ご注文 ${p.number} の商品をお届けしました。ご利用ありがとうございました。` };
    case 'hold_expiring':
      return { title: '取り置きの期限が近づいています', body: `ご注文 ${p.number} の取り置き期限は${deadline ?? 'まもなく'}です。期限を過ぎると自動的にキャンセルされます。` };
    case 'order_cancelled':
      return { title: 'ご注文がキャンセルされました', body: `ご注文 ${p.number} はキャンセルされました。お支払い済みの金額は返金いたします。` };
  }
}

export async function addToInbox(tx: Executor, n: { customerId: string; kind: NotificationKind; payload: Record<string, unknown> & { orderId: string; number: string }; dedupeKey?: string }) {
  const text = inboxText(n.kind, n.payload as Parameters<typeof inboxText>[1]);
  await tx
    .insert(notifications)
    .values({ id: newId('ntf'), customerId: n.customerId, kind: n.kind, ...text, payload: n.payload, dedupeKey: n.dedupeKey ?? null })
    .onConflictDoNothing();
}

/** Where a member can be reached: her e-mail and LINE ids, in one query. */
async function contactsOf(tx: Executor, customerId: string): Promise<{ email?: string; line?: string }> {
  const rows = await tx
    .select({ kind: customerIdentifiers.kind, value: customerIdentifiers.value })
    .from(customerIdentifiers)
    .where(and(eq(customerIdentifiers.customerId, customerId), inArray(customerIdentifiers.kind, ['email', 'line'])));
  return { email: rows.find((r) => r.kind === 'email')?.value, line: rows.find((r) => r.kind === 'line')?.value };
}

/** 'order.ready' matches 'order.ready', 'order.*' and '*'. */
export function eventMatches(patterns: string[], event: string): boolean {
  return patterns.some((p) => p === '*' || p === event || (p.endsWith('.*') && event.startsWith(p.slice(0, -1))));
}

/** One outbox row (channel 'webhook', recipient = endpoint id) per active endpoint that wants the event. */
export async function enqueueWebhooks(tx: Executor, event: string, data: Record<string, unknown>): Promise<number> {
  const endpoints = await tx.select({ id: webhookEndpoints.id, events: webhookEndpoints.events }).from(webhookEndpoints).where(eq(webhookEndpoints.active, true));
  let n = 0;
  for (const e of endpoints) {
    if (!eventMatches(e.events, event)) continue;
    const message: OutboxMessage = { channel: 'webhook', recipient: e.id, template: event, payload: { event, occurredAt: new Date().toISOString(), data } };
    await enqueue(tx, message);
    n++;
  }
  return n;
}

/**
 * Marketing messages (not used by orders): sent only with the customer's consent for that channel.
 * Transactional messages (order ready, cancelled, password reset) never come through here.
 */
export async function enqueueMarketing(tx: Executor, customerId: string, message: Omit<OutboxMessage, 'channel'> & { channel: 'email' | 'sms' | 'push' | 'line' }): Promise<boolean> {
  if (!(await hasConsent(tx, customerId, message.channel, 'marketing'))) return false;
  await enqueue(tx, message);
  return true;
}

/** What every order message carries (inbox payload, e-mail payload, webhook data). */
function orderPayload(order: Order, f: Fulfilment) {
  return { orderId: order.id, number: order.number, fulfilmentId: f.id, type: f.type, pickupCode: f.pickupCode, locationId: f.locationId, deadline: f.deadline?.toISOString() ?? null, slotStart: f.slotStart?.toISOString() ?? null };
}

/** The member's inbox (and LINE, when she linked it), and an e-mail to her (or to a guest's checkout address). */
async function tellCustomer(tx: Executor, order: Order, facing: Facing, payload: ReturnType<typeof orderPayload>) {
  const contacts = order.customerId ? await contactsOf(tx, order.customerId) : { email: order.guest?.email ?? undefined };
  if (order.customerId) {
    await addToInbox(tx, { customerId: order.customerId, kind: facing.kind, payload });
    if (contacts.line) await enqueue(tx, { channel: 'line', recipient: contacts.line, template: facing.kind, payload });
  }
  if (!facing.mail) return;
  const email = contacts.email;
  if (email) await enqueue(tx, { channel: 'email', recipient: email, template: facing.mail, payload: { ...payload, deadline: payload.deadline ?? undefined, total: order.total } });
}

export const orderNotifier: Notifier = {
  async orderPlaced(tx, order, f) {
    const payload = orderPayload(order, f);
    // A till sale is over when the receipt prints: nothing to acknowledge to her, but integrations hear of every order.
    if (f.type !== 'instore') await tellCustomer(tx, order, PLACED, payload);
    await enqueueWebhooks(tx, 'order.placed', { ...payload, status: f.status, customerId: order.customerId, total: order.total });
  },
  async fulfilmentChanged(tx, order, f, status) {
    const payload = orderPayload(order, f);
    const facing = (f.type === 'delivery' ? DELIVERY_FACING : CUSTOMER_FACING)[status];
    if (facing) await tellCustomer(tx, order, facing, payload);
    await enqueueWebhooks(tx, `order.${status}`, { ...payload, status, customerId: order.customerId, total: order.total });
  },
};

/**
 * Holds (取り置き) set aside and due within `withinMs`: one inbox notification each (dedupe key per
 * fulfilment, so the job can run as often as it likes and in several app copies).
 */
export async function notifyHoldsExpiring(db: Db, now = new Date(), withinMs = 6 * 3600_000): Promise<number> {
  return inTransaction(db, async (tx) => {
    const due = await tx
      .select({ f: fulfilments, o: orders })
      .from(fulfilments)
      .innerJoin(orders, eq(orders.id, fulfilments.orderId))
      .where(
        and(
          eq(fulfilments.type, 'hold'),
          inArray(fulfilments.status, ['placed', 'ready']),
          sql`${orders.customerId} IS NOT NULL`,
          sql`${fulfilments.deadline} > ${now}`,
          sql`${fulfilments.deadline} <= ${new Date(now.getTime() + withinMs)}`,
        ),
      )
      .limit(500);
    let n = 0;
    for (const { f, o } of due) {
      const payload = { orderId: o.id, number: o.number, fulfilmentId: f.id, type: f.type, locationId: f.locationId, pickupCode: f.pickupCode, deadline: f.deadline?.toISOString() ?? null };
      const [existing] = await tx.select({ id: notifications.id }).from(notifications).where(eq(notifications.dedupeKey, `hold_expiring:${f.id}`));
      if (existing) continue;
      await addToInbox(tx, { customerId: o.customerId!, kind: 'hold_expiring', payload, dedupeKey: `hold_expiring:${f.id}` });
      const { line } = await contactsOf(tx, o.customerId!);
      if (line) await enqueue(tx, { channel: 'line', recipient: line, template: 'hold_expiring', payload });
      await enqueueWebhooks(tx, 'order.hold_expiring', { ...payload, customerId: o.customerId });
      n++;
    }
    return n;
  });
}
