import { sql, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import { writeTogether, type Part } from '../../platform/db/together.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue, type OutboxMessage } from '../../platform/outbox.ts';
import type { DomainEvent, Subscriber } from '../../platform/subscribers.ts';
import { hasConsent } from '../customers/service.ts';
import { getBusiness } from '../locations/service.ts';
import { optionsText, orderView, type FulfilmentStatus, type OrderEventPayload } from '../orders/service.ts';
import { DomainError } from '../../platform/errors.ts';
import { notifications, type NotificationKind } from './schema.ts';
import { FULFILMENT_NAMES, jaDateTime } from './templates.ts';

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

export function inboxText(
  kind: NotificationKind,
  p: {
    number: string;
    title?: string;
    body?: string;
    type?: string;
    pickupCode?: string | null;
    deadline?: string | null | undefined;
    slotStart?: string | null | undefined;
  },
): { title: string; body: string } {
  const deadline = jaDateTime(p.deadline);
  const slot = jaDateTime(p.slotStart);
  switch (kind) {
    case 'order_placed':
      return {
        title: 'ご注文を承りました',
        body: `ご注文 ${p.number}（${FULFILMENT_NAMES[p.type ?? '']?.ja ?? p.type}）を承りました。${p.type === 'hold' && deadline ? `取り置き期限: ${deadline}` : ''}`,
      };
    case 'order_ready':
      return {
        title: '商品のご用意ができました',
        body: `ご注文 ${p.number} の商品を店頭でお受け取りいただけます。${p.pickupCode ? `受け取りコード: ${p.pickupCode}。` : ''}${deadline ? `期限: ${deadline}` : ''}`,
      };
    case 'order_shipped':
      return {
        title: '商品を発送しました',
        body: `ご注文 ${p.number} の商品を発送しました。到着まで今しばらくお待ちください。`,
      };
    case 'order_out_for_delivery':
      return {
        title: '配達に出発しました',
        body: `ご注文 ${p.number} の商品を店舗から配達に出発しました。${slot ? `${slot} からの時間帯にお届けします。` : ''}`,
      };
    case 'order_delivered':
      return {
        title: 'お届けしました',
        body: `ご注文 ${p.number} の商品をお届けしました。ご利用ありがとうございました。`,
      };
    case 'hold_expiring':
      // A reminder carries HQ's words (engagement's service trigger); the fallback is the old fixed text.
      if (p.title && p.body) return { title: p.title, body: p.body };
      return {
        title: '取り置きの期限が近づいています',
        body: `ご注文 ${p.number} の取り置き期限は${deadline ?? 'まもなく'}です。期限を過ぎると自動的にキャンセルされます。`,
      };
    case 'pickup_waiting':
      if (p.title && p.body) return { title: p.title, body: p.body };
      return {
        title: '商品のお受け取りをお待ちしています',
        body: `ご注文 ${p.number} の商品を店頭でご用意しています。${deadline ? `受け取り期限: ${deadline}` : ''}`,
      };
    case 'campaign':
    case 'appointment_booked':
    case 'appointment_reminder':
    case 'appointment_cancelled':
      return { title: p.title ?? '', body: p.body ?? '' };
    case 'order_cancelled':
      return {
        title: 'ご注文がキャンセルされました',
        body: `ご注文 ${p.number} はキャンセルされました。お支払い済みの金額は返金いたします。`,
      };
  }
}

/**
 * Whether a webhook endpoint's `events` (jsonb list of patterns) wants `event`: 'order.ready' matches
 * 'order.ready', 'order.*' and '*'.
 */
export function endpointWants(events: SQL, event: string): SQL {
  return sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${events}) p
                      WHERE p = '*' OR p = ${event} OR (right(p, 2) = '.*' AND starts_with(${event}::text, left(p, -1))))`;
}

/** One notice about an order, to whoever should hear it. */
export interface Notice {
  customerId: string | null;
  /** A guest's checkout address (a member's e-mail and LINE id are her identifiers). */
  guestEmail?: string | null | undefined;
  /** The member's inbox (and LINE, when she linked it), with the same words. */
  inbox?:
    | {
        kind: NotificationKind;
        /** An order's notice carries orderId and number; an appointment's its appointmentId, title and body. */
        payload: Record<string, unknown>;
        dedupeKey?: string | undefined;
      }
    | undefined;
  mail?: { template: string; payload: Record<string, unknown> } | undefined;
  /** `order.*` deliveries: one outbox row (channel 'webhook', recipient = endpoint id) per active endpoint that wants it. */
  webhook?: { event: string; data: Record<string, unknown> } | undefined;
  /**
   * Makes the notice's writes idempotent: the inbox row and every outbox row carry a key derived from it,
   * so writing the same notice again (a redelivered event) adds nothing.
   */
  dedupeKey?: string | undefined;
}

/**
 * What a notice writes: the inbox row, and the outbox rows for LINE, e-mail and every webhook endpoint
 * that wants the event — the member's addresses and the endpoints are looked up by the statement itself.
 * For writeTogether: checkout writes them with the order.
 */
export function noticeWrites(
  db: Executor,
  n: Notice,
): { inbox?: Part<typeof notifications>; messages?: Part<typeof outbox> } {
  const member = n.customerId;
  const outboxRows: SQL[] = [];
  // channel || ':' || recipient after the notice's key: one message per channel and recipient, however often written.
  const key = (recipient: SQL) => (n.dedupeKey ? sql`${n.dedupeKey} || ':' || ${recipient}` : sql`NULL::text`);
  if (member && n.inbox) {
    outboxRows.push(sql`(SELECT 'line', value, ${n.inbox.kind}::text, ${JSON.stringify(n.inbox.payload)}::jsonb, ${key(sql`'line:' || value`)} FROM customer_identifiers
                          WHERE customer_id = ${member} AND kind = 'line' ORDER BY created_at LIMIT 1)`);
  }
  if (n.mail) {
    const payload = sql`${JSON.stringify(n.mail.payload)}::jsonb`;
    if (member)
      outboxRows.push(
        sql`(SELECT 'email', value, ${n.mail.template}::text, ${payload}, ${key(sql`'email:' || value`)} FROM customer_identifiers WHERE customer_id = ${member} AND kind = 'email' ORDER BY created_at LIMIT 1)`,
      );
    else if (n.guestEmail)
      outboxRows.push(
        sql`(SELECT 'email', ${n.guestEmail}::text, ${n.mail.template}::text, ${payload}, ${key(sql`'email:' || ${n.guestEmail}::text`)})`,
      );
  }
  if (n.webhook) {
    const body = { event: n.webhook.event, occurredAt: new Date().toISOString(), data: n.webhook.data };
    outboxRows.push(sql`(SELECT 'webhook', e.id, ${n.webhook.event}::text, ${JSON.stringify(body)}::jsonb, ${key(sql`'webhook:' || e.id`)} FROM webhook_endpoints e
                          WHERE e.active AND ${endpointWants(sql`e.events`, n.webhook.event)})`);
  }
  return {
    ...(member && n.inbox
      ? {
          inbox: [
            notifications,
            db
              .insert(notifications)
              .values({
                id: newId('ntf'),
                customerId: member,
                kind: n.inbox.kind,
                ...inboxText(n.inbox.kind, n.inbox.payload as Parameters<typeof inboxText>[1]),
                payload: n.inbox.payload,
                dedupeKey: n.inbox.dedupeKey ?? (n.dedupeKey ? `${n.dedupeKey}:inbox` : null),
              })
              .onConflictDoNothing()
              .returning(),
          ] as const,
        }
      : {}),
    ...(outboxRows.length
      ? {
          messages: [
            outbox,
            sql`INSERT INTO outbox (channel, recipient, template, payload, dedupe_key) ${sql.join(outboxRows, sql` UNION ALL `)} ON CONFLICT DO NOTHING RETURNING *`,
          ] as const,
        }
      : {}),
  };
}

/** Send a notice in the caller's transaction, in one statement: it commits (or vanishes) with the caller. */
export async function sendNotice(tx: Executor, n: Notice): Promise<void> {
  await writeTogether(tx, noticeWrites(tx, n));
}

/**
 * Marketing messages (not used by orders): sent only with the customer's consent for that channel.
 * Transactional messages (order ready, cancelled, password reset) never come through here.
 */
export async function enqueueMarketing(
  tx: Executor,
  customerId: string,
  message: Omit<OutboxMessage, 'channel'> & { channel: 'email' | 'sms' | 'push' | 'line' },
): Promise<boolean> {
  if (!(await hasConsent(tx, customerId, message.channel, 'marketing'))) return false;
  await enqueue(tx, message);
  return true;
}

/** A service reminder about one of her orders (engagement's お知らせ（自動）), in HQ's words. */
export interface ServiceMessage {
  customerId: string;
  kind: 'hold_expiring' | 'pickup_waiting';
  /** Makes every row idempotent, and lets the campaign's progress find them (`<key>:inbox:…`, `<key>:line:…`). */
  key: string;
  title: string;
  body: string;
  /** Her order's page on this site, and the same as a full address for LINE (null without PUBLIC_URL). */
  link: string;
  url: string | null;
  /** What an order notice carries (orderId, number, fulfilmentId, type, pickupCode, locationId, deadline …). */
  order: Record<string, unknown> & { orderId: string; number: string };
  /** The `order.*` webhook integrations hear (e.g. order.hold_expiring), or none. */
  webhook?: { event: string; data: Record<string, unknown> } | undefined;
}

/**
 * A service reminder, sent as order notices are — transactional, so no marketing consent: her inbox, LINE
 * when she linked it (not held through quiet hours, like every order notice), and the webhook — in the
 * caller's transaction, in one statement.
 */
export async function sendServiceMessage(tx: Executor, m: ServiceMessage): Promise<void> {
  const payload = { ...m.order, title: m.title, body: m.body, link: m.link, url: m.url, key: m.key };
  await sendNotice(tx, {
    customerId: m.customerId,
    inbox: { kind: m.kind, payload, dedupeKey: `${m.key}:inbox:${m.customerId}` },
    webhook: m.webhook,
    dedupeKey: m.key,
  });
}

/** What every order message carries (inbox payload, e-mail payload, webhook data). */
function orderPayload(e: OrderEventPayload) {
  return {
    orderId: e.order.id,
    number: e.order.number,
    fulfilmentId: e.fulfilment.id,
    type: e.fulfilment.type,
    pickupCode: e.fulfilment.pickupCode,
    locationId: e.fulfilment.locationId,
    deadline: e.fulfilment.deadline,
    slotStart: e.fulfilment.slotStart,
  };
}

/**
 * The notice an order event makes: the member's inbox (and LINE), an e-mail to her (or to a guest's
 * checkout address) for the customer-facing ones, and the `order.<event>` webhooks for all.
 */
export function orderNotice(event: string, e: OrderEventPayload): Notice {
  const payload = orderPayload(e);
  const { order, fulfilment } = e;
  const status = fulfilment.status;
  // A till sale is over when the receipt prints: nothing to acknowledge to her, but integrations hear of every order.
  const facing =
    event === 'order.placed'
      ? fulfilment.type !== 'instore'
        ? PLACED
        : undefined
      : (fulfilment.type === 'delivery' ? DELIVERY_FACING : CUSTOMER_FACING)[status];
  return {
    customerId: order.customerId,
    guestEmail: order.guest?.email ?? null,
    inbox: facing ? { kind: facing.kind, payload } : undefined,
    mail: facing?.mail
      ? { template: facing.mail, payload: { ...payload, deadline: payload.deadline ?? undefined, total: order.total } }
      : undefined,
    webhook: { event, data: { ...payload, status, customerId: order.customerId, total: order.total } },
  };
}

/**
 * The order confirmation's 明細: with the business's registration number a 適格簡易請求書 — the items (※ reduced
 * rate), the totals and the tax per rate, and who issues it. Null when the order is gone (erased meanwhile).
 */
export async function orderInvoice(db: Db, orderId: string): Promise<Record<string, unknown> | null> {
  const order = await orderView(db, orderId).catch((err: unknown) => {
    if (err instanceof DomainError) return null;
    throw err;
  });
  if (!order) return null;
  const business = await getBusiness(db);
  return {
    business: { name: business.name, registrationNumber: business.registrationNumber },
    lines: order.lines.map((l) => ({
      name: l.name,
      options: optionsText(l.options),
      quantity: l.quantity,
      total: l.total,
      reducedRate: l.taxRate === 8,
    })),
    subtotal: order.subtotal,
    discountTotal: order.discountTotal,
    shippingFee: order.shippingFee,
    total: order.total,
    taxes: order.taxes,
  };
}

/**
 * Subscriber to `order.*`: the inbox row, the e-mail and the webhook deliveries for an order event, in
 * one statement. Idempotent: every row it writes carries a key derived from the event's id, so a
 * redelivery (after a crash before the delivery was recorded) sends nothing twice.
 */
export function notifyOrderEvents(db: Db): Subscriber {
  return async (event: DomainEvent) => {
    const notice = orderNotice(event.name, event.payload as unknown as OrderEventPayload);
    if (notice.mail?.template === 'order_placed') {
      const invoice = await orderInvoice(db, String(notice.mail.payload.orderId));
      if (invoice) notice.mail.payload.invoice = invoice;
    }
    await writeTogether(db, noticeWrites(db, { ...notice, dedupeKey: `event:${event.id}` }));
  };
}
