import { asc, inArray, sql } from 'drizzle-orm';
import { personIds } from '../customers/service.ts';
import type { Executor } from '../../platform/db/connection.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import { notifications } from './schema.ts';

/** Outbox rows addressed to one of her identifiers (e-mail, LINE user, phone), as the notifier addressed them. */
const toHer = (customerId: string) =>
  sql`${outbox.recipient} IN (SELECT value FROM customer_identifiers WHERE customer_id = ${customerId})`;

/** Her inbox and the messages sent (or waiting) to her addresses, for a personal data export. */
export async function exportNotices(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const inbox = await db
    .select()
    .from(notifications)
    .where(inArray(notifications.customerId, await personIds(db, customerId)))
    .orderBy(asc(notifications.createdAt));
  const messages = await db.select().from(outbox).where(toHer(customerId)).orderBy(asc(outbox.id));
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
  };
}

/**
 * Her part of erasure, run while her identifiers still exist: the inbox goes; messages to her addresses
 * lose recipient, body and key, and one not yet sent is given up (dead), never sent to nobody.
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
  return { notices: inbox.length, messages: messages.length };
}
