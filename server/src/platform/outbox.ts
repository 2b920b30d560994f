import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { query, type Executor } from './db/connection.ts';
import { outbox } from './db/platform-schema.ts';

export interface OutboxMessage {
  channel: 'email' | 'sms' | 'push' | 'line' | 'webhook' | 'event' | 'nats';
  recipient: string;
  template: string;
  payload: Record<string, unknown>;
}

/** Queue a message in the caller's transaction: it is sent only if that transaction commits. */
export async function enqueue(tx: Executor, message: OutboxMessage): Promise<void> {
  await tx.insert(outbox).values(message);
}

/** A message as a sender gets it: claimed, with the number of this attempt (1 for the first). */
export interface ClaimedMessage extends OutboxMessage {
  id: number;
  attempt: number;
  createdAt: Date;
}

/**
 * Hands one message to its partner (an SMTP server, LINE, a webhook receiver …), with no database
 * transaction open. Resolves when the partner accepted it (with its answer's status, if it has one); throws to have it retried (a `DeliveryError`
 * can carry the partner's status, or say that retrying is pointless). `signal` aborts when the attempt's
 * time is up.
 */
export type Send = (message: ClaimedMessage, ctx: { signal: AbortSignal }) => Promise<void | { status?: number }>;

/** A failed attempt: `status` is the partner's answer (an HTTP status), `permanent` makes it a dead letter at once. */
export class DeliveryError extends Error {
  readonly status: number | undefined;
  readonly permanent: boolean;
  constructor(message: string, opts: { status?: number | undefined; permanent?: boolean } = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.status = opts.status;
    this.permanent = opts.permanent ?? false;
  }
}

/**
 * How a channel is sent. `lane` says what one partner is: the whole channel (every e-mail goes through one
 * SMTP server) or each recipient (every webhook endpoint is a server of its own). At most `concurrency`
 * sends run at once per lane, so a partner that never answers holds its own lane and no other.
 */
export interface Channel {
  send: Send;
  lane: 'channel' | 'recipient';
  concurrency: number;
  /** Attempts before the message becomes a dead letter (default: the dispatcher's). */
  maxAttempts?: number;
  /** Delay before the next attempt after `attempts` failed ones (default: the dispatcher's). */
  backoffMs?: (attempts: number) => number;
}

export type Channels = Partial<Record<OutboxMessage['channel'], Channel>>;

/**
 * The development sender: writes the message to the log (a password-reset code appears in the server's
 * output). Channels without a real sender configured use it.
 */
export const logSender =
  (log: FastifyBaseLogger): Send =>
  async (m) => {
    log.info(
      { outbox: m.id, channel: m.channel, to: m.recipient, template: m.template, payload: m.payload },
      `outbox: ${m.template} → ${m.recipient}`,
    );
  };

/** What operators watch: messages waiting, how long the oldest has waited, and dead letters. */
export async function deliveryStats(db: Executor): Promise<{
  pending: number;
  oldestPendingSeconds: number;
  dead: number;
  byChannel: Array<{ channel: string; pending: number; oldestPendingSeconds: number; dead: number }>;
}> {
  const rows = await query<{ channel: string; pending: string; dead: string; oldest: string | null }>(
    db,
    // Two scans that each use their partial index (outbox_due_idx, outbox_dead_idx), not one over every sent row.
    sql`SELECT channel, sum(pending) AS pending, sum(dead) AS dead, max(oldest) AS oldest FROM (
          SELECT channel, count(*) AS pending, 0 AS dead, extract(epoch FROM now() - min(created_at)) AS oldest
            FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL GROUP BY channel
          UNION ALL
          SELECT channel, 0, count(*), NULL FROM outbox WHERE dead_at IS NOT NULL GROUP BY channel) s
        GROUP BY channel ORDER BY channel`,
  );
  const byChannel = rows.map((r) => ({
    channel: r.channel,
    pending: Number(r.pending),
    oldestPendingSeconds: r.oldest === null ? 0 : Math.max(0, Number(r.oldest)),
    dead: Number(r.dead),
  }));
  return {
    pending: byChannel.reduce((s, r) => s + r.pending, 0),
    dead: byChannel.reduce((s, r) => s + r.dead, 0),
    oldestPendingSeconds: Math.max(0, ...byChannel.map((r) => r.oldestPendingSeconds)),
    byChannel,
  };
}

/** Forget messages sent more than `sentDays` ago and dead letters older than `deadDays`. */
export async function purgeOutbox(db: Executor, opts: { sentDays: number; deadDays: number }): Promise<number> {
  const gone = await query<{ id: number }>(
    db,
    sql`DELETE FROM outbox WHERE (sent_at < now() - make_interval(days => ${opts.sentDays}))
                              OR (dead_at < now() - make_interval(days => ${opts.deadDays})) RETURNING id`,
  );
  return gone.length;
}
