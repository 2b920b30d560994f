import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import type { Channel } from '../../platform/outbox.ts';
import { DeliveryError } from '../../platform/outbox.ts';
import { contactSql, hasConsent, marketingConsentSql } from '../customers/service.ts';
import {
  clickPath,
  clicksByChannel,
  isOnSitePath,
  unsubscribePath,
  type LinkKeys,
  type TrackedChannel,
} from './links.ts';

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
  /** One per device she subscribed (a member with a phone and a laptop gets two). */
  push: number;
}

/**
 * Queue one message to many members at once (`members`: a one-column subquery of customer ids), set-wise:
 * her in-app inbox always (it is her own account's), e-mail, LINE and Web Push only to members who agreed to
 * marketing on that channel and have an address there (for push: one message per subscribed browser). The outbox sends after commit; nothing waits for a partner.
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
  // Push: one message per subscribed browser, addressed by the subscription's id (its keys stay in their table).
  const push = await query<{ n: number }>(
    tx,
    sql`WITH written AS (
          INSERT INTO outbox (channel, recipient, template, payload, dedupe_key, next_attempt_at)
          SELECT 'push', s.id, 'campaign', (${payload}::jsonb || jsonb_build_object('customerId', t.customer_id)),
                 ${m.key} || ':push:' || s.id, ${m.pushHeldUntil ?? sql`now()`}
            FROM (${members}) t
            JOIN push_subscriptions s ON s.customer_id = t.customer_id
           WHERE t.customer_id IN (${marketingConsentSql('push')})
          ON CONFLICT DO NOTHING RETURNING 1)
        SELECT count(*)::int AS n FROM written`,
  );
  return {
    inbox: Number(inbox[0]?.n ?? 0),
    email: await channel('email', null),
    line: await channel('line', m.pushHeldUntil),
    push: Number(push[0]?.n ?? 0),
  };
}

/**
 * A marketing message about to leave is checked against her consent once more: withdrawn since it was
 * queued (an unsubscribe link, her settings), it is given up rather than sent. With `links`, her copy's
 * link goes through the click-through (`/api/r?t=…`, counted once per channel) and an e-mail carries her
 * one-click unsubscribe address (List-Unsubscribe, RFC 8058). E-mail and LINE need the site's full address
 * (PUBLIC_URL) for either: without it they carry no link and no List-Unsubscribe header. Push opens a path
 * on the site it was subscribed from, so it is tracked either way.
 */
export function withConsentCheck(
  db: Executor,
  channel: Channel,
  name: TrackedChannel,
  links?: { keys: LinkKeys; publicUrl: string | undefined },
): Channel {
  return {
    ...channel,
    send: async (message, ctx) => {
      if (message.template !== 'campaign') return channel.send(message, ctx);
      const customerId = String(message.payload.customerId ?? '');
      if (!customerId || !(await hasConsent(db, customerId, name, 'marketing')))
        throw new DeliveryError('marketing consent withdrawn', { permanent: true });
      if (!links) return channel.send(message, ctx);
      const base = name === 'push' ? (links.publicUrl ?? '') : links.publicUrl;
      const link = typeof message.payload.link === 'string' ? message.payload.link : null;
      const key = String(message.payload.key ?? '');
      const payload = { ...message.payload };
      if (base !== undefined && link && key && isOnSitePath(link))
        payload.url = `${base}${clickPath(links.keys, { key, customerId, channel: name, link })}`;
      if (name === 'email' && links.publicUrl)
        payload.unsubscribeUrl = `${links.publicUrl}${unsubscribePath(links.keys, customerId, 'email')}`;
      return channel.send({ ...message, payload }, ctx);
    },
  };
}

/**
 * How a campaign's messages fared: per channel sent, waiting, given up and clicked (members who followed
 * the link from that channel, once each); the inbox notices and how many were read.
 */
export async function marketingProgress(
  db: Executor,
  key: string,
): Promise<{
  inbox: { delivered: number; read: number };
  channels: Array<{ channel: string; sent: number; waiting: number; failed: number; clicked: number }>;
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
  const clicks = await clicksByChannel(db, key);
  return {
    inbox: { delivered: inbox?.delivered ?? 0, read: inbox?.read ?? 0 },
    channels: channels.map((c) => ({ ...c, clicked: clicks.get(c.channel) ?? 0 })),
  };
}
