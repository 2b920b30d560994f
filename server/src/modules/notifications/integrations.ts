import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import type { DomainEvent, Subscriber } from '../../platform/subscribers.ts';
import type { OrderEventPayload } from '../orders/service.ts';
import { endpointWants, orderNotice } from './notifier.ts';

/** The NATS JetStream message id of an event (`Nats-Msg-Id`): the same on every redelivery, so the stream dedupes it. */
export function natsMessageId(eventId: number): string {
  return `evt_${eventId}`;
}

/** An event's public `data`: an order event in the shape its webhooks have always had; the others as emitted. */
export function publicData(event: Pick<DomainEvent, 'name' | 'payload'>): Record<string, unknown> {
  if (event.name.startsWith('order.'))
    return orderNotice(event.name, event.payload as unknown as OrderEventPayload).webhook!.data;
  return event.payload;
}

/**
 * Subscriber that hands an event to integrations: one outbox row (channel 'webhook') per active endpoint
 * whose filter wants it, and with NATS configured one row (channel 'nats', subject `musubi.<event>`), in one
 * statement. Deliveries then go through the dispatcher like every message — retried with backoff, never
 * inside the change's transaction, so a slow receiver or a NATS outage holds no request. Idempotent: each
 * row's key comes from the event's id. `webhooks: false` for order events, whose webhooks the order
 * notices already write (notifier.ts).
 */
export function publishToIntegrations(db: Db, opts: { nats: boolean; webhooks?: boolean }): Subscriber {
  return async (event: DomainEvent) => {
    const at = typeof event.payload.at === 'string' ? event.payload.at : new Date().toISOString();
    const body = { event: event.name, occurredAt: at, data: publicData(event) };
    const rows: SQL[] = [];
    const key = `event:${event.id}`;
    if (opts.webhooks !== false)
      rows.push(sql`(SELECT 'webhook', e.id, ${event.name}::text, ${JSON.stringify(body)}::jsonb, ${key} || ':webhook:' || e.id
                      FROM webhook_endpoints e WHERE e.active AND ${endpointWants(sql`e.events`, event.name)})`);
    if (opts.nats)
      rows.push(
        sql`(SELECT 'nats', ${`musubi.${event.name}`}::text, ${event.name}::text, ${JSON.stringify({ id: natsMessageId(event.id), ...body })}::jsonb, ${`${key}:nats`}::text)`,
      );
    if (!rows.length) return;
    await db.execute(
      sql`INSERT INTO outbox (channel, recipient, template, payload, dedupe_key) ${sql.join(rows, sql` UNION ALL `)} ON CONFLICT DO NOTHING`,
    );
  };
}
