import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { recordConsents, type ConsentChannel } from '../customers/service.ts';
import './problems.ts';

/**
 * Links in a marketing message that act without a session: the click-through (`/api/r?t=<token>`, counted once
 * per message, member and channel) and the one-click unsubscribe (`/api/unsubscribe?t=<token>`, RFC 8058).
 * Each token is signed with a key derived from MUSUBI_SECRET for that purpose only, so neither can be forged
 * nor used as the other; they never expire (an old e-mail's link still works).
 */
export type LinkKeys = { click: Buffer; unsubscribe: Buffer };

export function linkKeys(secret: string): LinkKeys {
  const derive = (purpose: string) => createHmac('sha256', secret).update(`musubi-link:${purpose}`).digest();
  return { click: derive('click'), unsubscribe: derive('unsubscribe') };
}

const sign = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest().subarray(0, 16);

function seal(key: Buffer, fields: string[]): string {
  const data = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${data}.${sign(key, data).toString('base64url')}`;
}

function open(key: Buffer, token: string, arity: number): string[] | null {
  const [data, mac, extra] = token.split('.');
  if (!data || !mac || extra !== undefined) return null;
  const given = Buffer.from(mac, 'base64url');
  const expected = sign(key, data);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const fields = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(fields) && fields.length === arity && fields.every((f) => typeof f === 'string')
      ? fields
      : null;
  } catch {
    return null;
  }
}

/** A path on this site and nothing else: `/shop/…`, never `//host`, `/\host` or a scheme. */
export function isOnSitePath(link: string): boolean {
  return /^\/(?![/\\])[^\s\\]*$/.test(link) && !/[\u0000-\u001f]/.test(link);
}

export type TrackedChannel = 'email' | 'line' | 'push';
export const trackedChannels: readonly TrackedChannel[] = ['email', 'line', 'push'];

/** The click-through path for one member's copy of a message on one channel. */
export function clickPath(
  keys: LinkKeys,
  c: { key: string; customerId: string; channel: TrackedChannel; link: string },
) {
  return `/api/r?t=${seal(keys.click, [c.key, c.customerId, c.channel, c.link])}`;
}

/** The one-click unsubscribe path for one member and channel. */
export function unsubscribePath(keys: LinkKeys, customerId: string, channel: ConsentChannel): string {
  return `/api/unsubscribe?t=${seal(keys.unsubscribe, [customerId, channel])}`;
}

/**
 * A click-through: her first click on this message from this channel is recorded; every click is sent on
 * to the message's link on this site. A token that does not verify, or a link that is not on this site,
 * is refused (never an open redirect).
 */
export async function followClick(db: Executor, keys: LinkKeys, token: string): Promise<string> {
  const fields = open(keys.click, token, 4);
  const [key, customerId, channel, link] = fields ?? [];
  if (!key || !customerId || !link || !trackedChannels.includes(channel as TrackedChannel) || !isOnSitePath(link))
    throw new DomainError('notifications.bad_link_token', {});
  await query(
    db,
    sql`INSERT INTO message_clicks (key, customer_id, channel) VALUES (${key}, ${customerId}, ${channel})
        ON CONFLICT DO NOTHING`,
  );
  return link;
}

/** The member and channel an unsubscribe token names, or a 400 for one we did not sign. */
export function readUnsubscribeToken(keys: LinkKeys, token: string): { customerId: string; channel: ConsentChannel } {
  const fields = open(keys.unsubscribe, token, 2);
  const [customerId, channel] = fields ?? [];
  if (!customerId || !(['email', 'line', 'push', 'sms'] as string[]).includes(channel ?? ''))
    throw new DomainError('notifications.bad_unsubscribe_token', {});
  return { customerId, channel: channel as ConsentChannel };
}

/** One-click unsubscribe: that channel's marketing consent is withdrawn (recorded as hers, through the link). */
export async function unsubscribe(db: Executor, keys: LinkKeys, token: string): Promise<{ channel: ConsentChannel }> {
  const { customerId, channel } = readUnsubscribeToken(keys, token);
  await recordConsents(
    db,
    customerId,
    [{ channel, purpose: 'marketing', granted: false }],
    `customer:${customerId}`,
    'unsubscribe_link',
  );
  return { channel };
}

/** Clicks per channel on one message key (distinct members). */
export async function clicksByChannel(db: Executor, key: string): Promise<Map<string, number>> {
  const rows = await query<{ channel: string; n: number }>(
    db,
    sql`SELECT channel, count(*)::int AS n FROM message_clicks WHERE key = ${key} GROUP BY channel`,
  );
  return new Map(rows.map((r) => [r.channel, Number(r.n)]));
}
