import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { deliveryStats } from '../../platform/outbox.ts';
import { customersByIdentifiers } from '../customers/service.ts';
import './problems.ts';

export const deliveryStatuses = ['dead', 'pending', 'sent'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface DeliveryView {
  id: number;
  channel: string;
  recipient: string;
  /** What HQ reads for the recipient: the endpoint's URL for a webhook, the address otherwise. */
  recipientLabel: string;
  /** The member an e-mail or LINE message went to (a LINE user id means nothing to a person), when known. */
  customer: { id: string; name: string | null; memberNumber: string } | null;
  template: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  deadAt: string | null;
}

const STATUS_WHERE: Record<DeliveryStatus, ReturnType<typeof sql>> = {
  dead: sql`o.dead_at IS NOT NULL`,
  pending: sql`o.sent_at IS NULL AND o.dead_at IS NULL`,
  sent: sql`o.sent_at IS NOT NULL`,
};

interface Row {
  id: string;
  channel: string;
  recipient: string;
  url: string | null;
  template: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  next_attempt_at: Date;
  sent_at: Date | null;
  dead_at: Date | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function view(r: Row): DeliveryView {
  const status: DeliveryStatus = r.dead_at ? 'dead' : r.sent_at ? 'sent' : 'pending';
  return {
    id: Number(r.id),
    channel: r.channel,
    recipient: r.recipient,
    recipientLabel: r.url ?? r.recipient,
    customer: null,
    template: r.template,
    status,
    attempts: Number(r.attempts),
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: iso(r.created_at)!,
    nextAttemptAt: status === 'pending' ? iso(r.next_attempt_at) : null,
    sentAt: iso(r.sent_at),
    deadAt: iso(r.dead_at),
  };
}

/** Deliveries of every channel, newest first (owner/hq): the dead letters, what waits, or what went out. */
export async function listDeliveries(
  db: Db,
  actor: Principal,
  opts: { status: DeliveryStatus; channel?: string | undefined; limit: number; before?: number | undefined },
) {
  requireRole(actor, 'owner', 'hq');
  const rows = await query<Row>(
    db,
    sql`SELECT o.id, o.channel, o.recipient, e.url, o.template, o.attempts, o.last_status, o.last_error, o.created_at, o.next_attempt_at, o.sent_at, o.dead_at
          FROM outbox o LEFT JOIN webhook_endpoints e ON o.channel = 'webhook' AND e.id = o.recipient
         WHERE ${STATUS_WHERE[opts.status]}
           ${opts.channel ? sql`AND o.channel = ${opts.channel}` : sql``}
           ${opts.before ? sql`AND o.id < ${opts.before}` : sql``}
         ORDER BY o.id DESC LIMIT ${opts.limit + 1}`,
  );
  const items = rows.slice(0, opts.limit).map(view);
  const [byEmail, byLine] = await Promise.all([
    customersByIdentifiers(
      db,
      'email',
      items.filter((d) => d.channel === 'email').map((d) => d.recipient),
    ),
    customersByIdentifiers(
      db,
      'line',
      items.filter((d) => d.channel === 'line').map((d) => d.recipient),
    ),
  ]);
  for (const d of items)
    d.customer =
      (d.channel === 'email' ? byEmail : d.channel === 'line' ? byLine : undefined)?.get(d.recipient) ?? null;
  const stats = await deliveryStats(db);
  return {
    items,
    nextBefore: rows.length > opts.limit ? items.at(-1)!.id : null,
    counts: { pending: stats.pending, dead: stats.dead },
    byChannel: stats.byChannel,
  };
}

/**
 * Send a dead letter (or a waiting message) again now, with a fresh set of attempts. A message being sent
 * right now keeps its claim: the retry is queued behind it, never beside it.
 */
export async function retryDeliveries(db: Db, actor: Principal, ids: number[]): Promise<{ retried: number[] }> {
  requireRole(actor, 'owner', 'hq');
  const rows = await query<{ id: string; sent: boolean }>(
    db,
    sql`SELECT id, sent_at IS NOT NULL AS sent FROM outbox WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::bigint)`,
  );
  const missing = ids.find((id) => !rows.some((r) => Number(r.id) === id));
  if (missing !== undefined) throw new DomainError('notifications.delivery_not_found', { id: missing });
  const sent = rows.find((r) => r.sent);
  if (sent) throw new DomainError('notifications.already_sent', { id: Number(sent.id) });
  const done = await query<{ id: string }>(
    db,
    sql`UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = now(), last_error = NULL, last_status = NULL
         WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::bigint) AND sent_at IS NULL RETURNING id`,
  );
  return { retried: done.map((r) => Number(r.id)).sort((a, b) => a - b) };
}

/** Send every dead letter (of one channel, or all) again now, with a fresh set of attempts. */
export async function retryAllDead(
  db: Db,
  actor: Principal,
  channel?: string | undefined,
): Promise<{ retried: number[] }> {
  requireRole(actor, 'owner', 'hq');
  const done = await query<{ id: string }>(
    db,
    sql`UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = now(), last_error = NULL, last_status = NULL
         WHERE dead_at IS NOT NULL ${channel ? sql`AND channel = ${channel}` : sql``} RETURNING id`,
  );
  return { retried: done.map((r) => Number(r.id)).sort((a, b) => a - b) };
}
