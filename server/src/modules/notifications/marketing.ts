import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import type { Channel } from '../../platform/outbox.ts';
import { DeliveryError } from '../../platform/outbox.ts';
import { contactSql, hasConsent, marketingConsentSql } from '../customers/service.ts';

/** A campaign's message as its members receive it (engagement writes it; the words are the marketer's). */
export interface MarketingMessage {
  /** Makes every row idempotent: one inbox notice and one message per channel per member, however often queued. */
  key: string;
  title: string;
  body: string;
  /** A path on this site (/shop/…), already checked by the caller: the inbox opens it. */
  link: string | null;
  /** The same as a full address (PUBLIC_URL + link) for e-mail and LINE; null when the server's address is not configured. */
  url: string | null;
  /** Held until then (quiet hours): LINE and push are not sent between 21:00 and 08:00 in Japan. */
  pushHeldUntil: Date | null;
}

export interface MarketingQueued {
  inbox: number;
  email: number;
  line: number;
}

/**
 * Queue one message to many members at once (`members`: a one-column subquery of customer ids), set-wise:
 * her in-app inbox always (it is her own account's), e-mail and LINE only to members who agreed to marketing
 * on that channel and have an address there. The outbox sends after commit; nothing waits for a partner.
 * Idempotent by `key`: queueing again adds nothing.
 */
export async function queueMarketing(tx: Executor, members: SQL, m: MarketingMessage): Promise<MarketingQueued> {
  const payload = JSON.stringify({ title: m.title, body: m.body, link: m.link, url: m.url, key: m.key });
  const inbox = await query<{ n: number }>(
    tx,
    sql`WITH written AS (
          INSERT INTO notifications (id, customer_id, kind, title, body, payload, dedupe_key)
          SELECT ${newId('ntf')} || '_' || md5(t.customer_id), t.customer_id, 'campaign', ${m.title}, ${m.body},
                 ${payload}::jsonb, ${m.key} || ':inbox:' || t.customer_id
            FROM (${members}) t
          ON CONFLICT DO NOTHING RETURNING 1)
        SELECT count(*)::int AS n FROM written`,
  );
  const channel = async (name: 'email' | 'line', heldUntil: Date | null) => {
    const rows = await query<{ n: number }>(
      tx,
      sql`WITH written AS (
            INSERT INTO outbox (channel, recipient, template, payload, dedupe_key, next_attempt_at)
            SELECT ${name}, a.value, 'campaign', (${payload}::jsonb || jsonb_build_object('customerId', t.customer_id)),
                   ${m.key} || ':' || ${name} || ':' || t.customer_id, ${heldUntil ?? sql`now()`}
              FROM (${members}) t
              JOIN (${contactSql(name)}) a ON a.customer_id = t.customer_id
             WHERE t.customer_id IN (${marketingConsentSql(name)})
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM written`,
    );
    return Number(rows[0]?.n ?? 0);
  };
  return {
    inbox: Number(inbox[0]?.n ?? 0),
    email: await channel('email', null),
    line: await channel('line', m.pushHeldUntil),
  };
}

/**
 * A marketing message about to leave is checked against her consent once more: withdrawn since it was
 * queued (an unsubscribe link, her settings), it is given up rather than sent.
 */
export function withConsentCheck(db: Executor, channel: Channel, name: 'email' | 'line'): Channel {
  return {
    ...channel,
    send: async (message, ctx) => {
      if (message.template === 'campaign') {
        const customerId = String(message.payload.customerId ?? '');
        if (!customerId || !(await hasConsent(db, customerId, name, 'marketing')))
          throw new DeliveryError('marketing consent withdrawn', { permanent: true });
      }
      return channel.send(message, ctx);
    },
  };
}

/** How a campaign's messages fared: per channel sent, waiting, given up; the inbox notices and how many were read. */
export async function marketingProgress(
  db: Executor,
  key: string,
): Promise<{
  inbox: { delivered: number; read: number };
  channels: Array<{ channel: string; sent: number; waiting: number; failed: number }>;
}> {
  const [inbox] = await query<{ delivered: number; read: number }>(
    db,
    sql`SELECT count(*)::int AS delivered, count(read_at)::int AS read FROM notifications
         WHERE dedupe_key LIKE ${`${key}:inbox:%`}`,
  );
  const channels = await query<{ channel: string; sent: number; waiting: number; failed: number }>(
    db,
    sql`SELECT channel, count(sent_at)::int AS sent,
               count(*) FILTER (WHERE sent_at IS NULL AND dead_at IS NULL)::int AS waiting,
               count(dead_at)::int AS failed
          FROM outbox WHERE dedupe_key LIKE ${`${key}:%`} AND channel <> 'event'
         GROUP BY channel ORDER BY channel`,
  );
  return { inbox: { delivered: inbox?.delivered ?? 0, read: inbox?.read ?? 0 }, channels };
}
