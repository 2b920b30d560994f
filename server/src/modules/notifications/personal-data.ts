import { asc, inArray, sql } from 'drizzle-orm';
import { personIds } from '../customers/service.ts';
import type { Executor } from '../../platform/db/connection.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import { messageClicks, notifications, pushSubscriptions } from './schema.ts';

/**
 * Outbox rows addressed to one of her identifiers (e-mail, LINE user, phone), as the notifier addressed them,
 * or to one of her browsers (a push subscription's id).
 */
const toHer = (customerId: string) =>
  sql`(${outbox.recipient} IN (SELECT value FROM customer_identifiers WHERE customer_id = ${customerId})
       OR ${outbox.recipient} IN (SELECT id FROM push_subscriptions WHERE customer_id = ${customerId}))`;

/** Her inbox and the messages sent (or waiting) to her addresses, for a personal data export. */
export async function exportNotices(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const inbox = await db
    .select()
    .from(notifications)
    .where(inArray(notifications.customerId, await personIds(db, customerId)))
    .orderBy(asc(notifications.createdAt));
  const messages = await db.select().from(outbox).where(toHer(customerId)).orderBy(asc(outbox.id));
  const ids = await personIds(db, customerId);
  const devices = await db
    .select()
    .from(pushSubscriptions)
    .where(inArray(pushSubscriptions.customerId, ids))
    .orderBy(asc(pushSubscriptions.createdAt));
  const clicks = await db
    .select()
    .from(messageClicks)
    .where(inArray(messageClicks.customerId, ids))
    .orderBy(asc(messageClicks.at));
  return {
    notices: inbox.map((n) => ({
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      payload: n.payload,
      at: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
    messages: messages.map((m) => ({
      id: m.id,
      channel: m.channel,
      recipient: m.recipient,
      template: m.template,
      payload: m.payload,
      at: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
    })),
    // Her browsers' push addresses; their keys are the browser's secret and are not repeated here.
    pushSubscriptions: devices.map((d) => ({
      endpoint: d.endpoint,
      userAgent: d.userAgent,
      at: d.createdAt.toISOString(),
    })),
    clicks: clicks.map((c) => ({ message: c.key, channel: c.channel, at: c.at.toISOString() })),
  };
}

/**
 * Her part of erasure, run while her identifiers still exist: the inbox, her push subscriptions and her
 * clicks go; messages to her addresses lose recipient, body and key, and one not yet sent is given up
 * (dead), never sent to nobody.
 * The rows stay so delivery statistics keep their counts.
 */
export async function eraseNotices(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const inbox = await tx
    .delete(notifications)
    .where(inArray(notifications.customerId, await personIds(tx, customerId)))
    .returning({ id: notifications.id });
  const messages = await tx
    .update(outbox)
    .set({
      recipient: 'erased',
      payload: {},
      dedupeKey: null,
      lastError: 'recipient erased (personal data request)',
      deadAt: sql`coalesce(${outbox.deadAt}, CASE WHEN ${outbox.sentAt} IS NULL THEN now() END)`,
      leaseUntil: null,
      claimToken: null,
    })
    .where(toHer(customerId))
    .returning({ id: outbox.id });
  const ids = await personIds(tx, customerId);
  const devices = await tx
    .delete(pushSubscriptions)
    .where(inArray(pushSubscriptions.customerId, ids))
    .returning({ id: pushSubscriptions.id });
  const clicks = await tx
    .delete(messageClicks)
    .where(inArray(messageClicks.customerId, ids))
    .returning({ key: messageClicks.key });
  return { notices: inbox.length, messages: messages.length, pushSubscriptions: devices.length, clicks: clicks.length };
}
