import { createHmac, randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { query } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import type { Deliver } from '../../platform/outbox.ts';
import { webhookDeliveries, webhookEndpoints } from './schema.ts';

/** `Musubi-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>` */
export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Delay before attempt n+1 after n failed attempts: 30 s, 1 min, 2 min … capped at 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
}

/**
 * The outbox deliverer for channel 'webhook': hands the message over to webhook_deliveries in the
 * outbox's transaction (idempotent on outbox id + endpoint), where the webhooks job POSTs it with its
 * own retries and backoff.
 */
export const webhookHandover: Deliver = async (m, { tx }) => {
  const id = newId('whd');
  const body = JSON.stringify({ id, event: m.template, ...m.payload });
  await tx.insert(webhookDeliveries).values({ id, outboxId: m.id, endpointId: m.recipient, event: m.template, body }).onConflictDoNothing();
};

export interface WebhookJobOptions {
  maxAttempts?: number;
  now?: Date;
  fetch?: typeof fetch;
  timeoutMs?: number;
  batch?: number;
}

/**
 * POST due deliveries. Rows are claimed in a short transaction (SKIP LOCKED, then leased by pushing
 * next_attempt_at past the request timeout) so several app copies never POST the same delivery at
 * once, and no database connection is held while a slow receiver answers (on the embedded database
 * that would stall every request). 2xx → delivered; anything else or a network error → attempts + 1
 * and next_attempt_at pushed back, until maxAttempts. A crash mid-request retries after the lease.
 */
export async function deliverWebhooks(db: Db, opts: WebhookJobOptions = {}): Promise<{ delivered: number; failed: number }> {
  const now = opts.now ?? new Date();
  const maxAttempts = opts.maxAttempts ?? 8;
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const rows = await inTransaction(db, async (tx) => {
    const due = await query<{ id: string; event: string; body: string; attempts: number; url: string | null; secret: string | null; active: boolean | null }>(
      tx,
      sql`SELECT d.id, d.event, d.body, d.attempts, e.url, e.secret, e.active
            FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id
           WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= ${now}
           ORDER BY d.next_attempt_at, d.id LIMIT ${opts.batch ?? 20} FOR UPDATE OF d SKIP LOCKED`,
    );
    if (due.length) {
      const lease = new Date(now.getTime() + timeoutMs + 60_000);
      await tx.update(webhookDeliveries).set({ nextAttemptAt: lease }).where(inArray(webhookDeliveries.id, due.map((d) => d.id)));
    }
    return due;
  });
  let delivered = 0;
  let failed = 0;
  for (const d of rows) {
    if (!d.url || !d.secret || !d.active) {
      await db.update(webhookDeliveries).set({ failedAt: now, lastError: 'endpoint removed or inactive' }).where(eq(webhookDeliveries.id, d.id));
      continue;
    }
    const ts = Math.floor(now.getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await doFetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Musubi-Webhooks/1', 'Musubi-Event': d.event, 'Musubi-Delivery': d.id, 'Musubi-Timestamp': String(ts), 'Musubi-Signature': signature(d.secret, ts, d.body) },
        body: d.body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = String(err instanceof Error && err.cause ? `${err.message}: ${String(err.cause)}` : err).slice(0, 500);
    }
    const attempts = Number(d.attempts) + 1;
    if (!error) {
      await db.update(webhookDeliveries).set({ attempts, deliveredAt: now, lastStatus: status, lastError: null }).where(eq(webhookDeliveries.id, d.id));
      delivered++;
    } else if (attempts >= maxAttempts) {
      await db.update(webhookDeliveries).set({ attempts, failedAt: now, lastStatus: status, lastError: error }).where(eq(webhookDeliveries.id, d.id));
      failed++;
    } else {
      await db
        .update(webhookDeliveries)
        .set({ attempts, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)), lastStatus: status, lastError: error })
        .where(eq(webhookDeliveries.id, d.id));
    }
  }
  return { delivered, failed };
}

const hq = (actor: Principal) => requireRole(actor, 'owner', 'hq');

function endpointView(e: typeof webhookEndpoints.$inferSelect) {
  return { id: e.id, url: e.url, events: e.events, active: e.active, createdAt: e.createdAt.toISOString() };
}

export async function createEndpoint(db: Db, actor: Principal, input: { url: string; events: string[]; secret?: string | undefined }) {
  hq(actor);
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const [row] = await db.insert(webhookEndpoints).values({ id: newId('whe'), url: input.url, events: input.events, secret }).returning();
  // The secret is shown once, when the endpoint is created.
  return { ...endpointView(row!), secret };
}

export async function listEndpoints(db: Db, actor: Principal) {
  hq(actor);
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
  return Promise.all(
    rows.map(async (e) => {
      const recent = await db
        .select({ id: webhookDeliveries.id, event: webhookDeliveries.event, attempts: webhookDeliveries.attempts, deliveredAt: webhookDeliveries.deliveredAt, failedAt: webhookDeliveries.failedAt, lastStatus: webhookDeliveries.lastStatus, lastError: webhookDeliveries.lastError })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, e.id))
        .orderBy(desc(webhookDeliveries.createdAt))
        .limit(10);
      return { ...endpointView(e), recentDeliveries: recent.map((r) => ({ ...r, deliveredAt: r.deliveredAt?.toISOString() ?? null, failedAt: r.failedAt?.toISOString() ?? null })) };
    }),
  );
}

/** Deactivates (pending deliveries then fail as 'endpoint removed or inactive'); history is kept. */
export async function deleteEndpoint(db: Db, actor: Principal, id: string) {
  hq(actor);
  const rows = await db.update(webhookEndpoints).set({ active: false }).where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.active, true))).returning({ id: webhookEndpoints.id });
  if (!rows.length) throw new DomainError('platform.not_found', { path: `/api/webhooks/${id}` });
}
