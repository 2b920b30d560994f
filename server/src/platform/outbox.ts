import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { query, type Db, type Executor } from './db/connection.ts';
import { inTransaction } from './db/tx.ts';
import { outbox } from './db/platform-schema.ts';

export interface OutboxMessage {
  channel: 'email' | 'sms' | 'push' | 'line' | 'webhook';
  recipient: string;
  template: string;
  payload: Record<string, unknown>;
}

/** Queue a message in the caller's transaction: it is sent only if that transaction commits. */
export async function enqueue(tx: Executor, message: OutboxMessage): Promise<void> {
  await tx.insert(outbox).values(message);
}

/**
 * Something that delivers one message (SMTP, a push service …); throws to have it retried. `tx` is the
 * transaction holding the outbox row's lock: a deliverer that hands the message on to its own table
 * (webhooks) writes there, so the hand-over and the outbox's sent_at commit together.
 */
export type Deliver = (message: OutboxMessage & { id: number }, ctx: { tx: Executor }) => Promise<void>;

/** One deliverer per channel; channels without one go to `fallback` (the log deliverer in development). */
export function routeByChannel(routes: Partial<Record<OutboxMessage['channel'], Deliver>>, fallback: Deliver): Deliver {
  return (m, ctx) => (routes[m.channel] ?? fallback)(m, ctx);
}

/**
 * The development deliverer: writes the message to the log (a password-reset code appears in the
 * server's output). Real channels plug in here.
 */
export const logDeliverer =
  (log: FastifyBaseLogger): Deliver =>
  async (m) => {
    log.info({ outbox: m.id, channel: m.channel, to: m.recipient, template: m.template, payload: m.payload }, `outbox: ${m.template} → ${m.recipient}`);
  };

/**
 * Deliver up to `batch` pending messages. Rows are claimed with SKIP LOCKED so several app copies can
 * run this job at once without sending a message twice; a failure is recorded and retried later.
 */
export async function deliverOutbox(db: Db, deliver: Deliver, batch = 50): Promise<number> {
  return inTransaction(db, async (tx) => {
    const rows = await query<OutboxMessage & { id: number }>(
      tx,
      sql`SELECT id, channel, recipient, template, payload FROM outbox
           WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED`,
    );
    for (const row of rows) {
      try {
        await deliver({ ...row, id: Number(row.id) }, { tx });
        await tx.execute(sql`UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ${row.id}`);
      } catch (err) {
        await tx.execute(sql`UPDATE outbox SET attempts = attempts + 1, last_error = ${String(err)} WHERE id = ${row.id}`);
      }
    }
    return rows.length;
  });
}
