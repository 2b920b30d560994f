import { createHmac, randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { query } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { DeliveryError, type Channel } from '../../platform/outbox.ts';
import { webhookEndpoints } from './schema.ts';

/** `Musubi-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>` */
export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The id a receiver dedupes on (`Musubi-Delivery` and the body's `id`): the same on every attempt. */
export function deliveryId(outboxId: number): string {
  return `whd_${outboxId}`;
}

/**
 * Channel 'webhook': one outbox row per endpoint (recipient = endpoint id), POSTed with no transaction
 * open. Each endpoint is a lane of its own, so a receiver that never answers delays only its own
 * deliveries. The signature's timestamp is taken per attempt (receivers reject old timestamps). 2xx →
 * delivered; a removed or inactive endpoint → dead letter; anything else → retried with backoff.
 */
export function webhookChannel(
  db: Db,
  opts: { fetch?: typeof fetch; timeoutMs?: number; concurrency?: number; maxAttempts?: number } = {},
): Channel {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    lane: 'recipient',
    concurrency: opts.concurrency ?? 2,
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    send: async (m, { signal }) => {
      const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, m.recipient));
      if (!endpoint?.active) throw new DeliveryError('endpoint removed or inactive', { permanent: true });
      const id = deliveryId(m.id);
      const body = JSON.stringify({ id, event: m.template, ...m.payload });
      const ts = Math.floor(Date.now() / 1000);
      let res: Response;
      try {
        res = await doFetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Musubi-Webhooks/1',
            'Musubi-Event': m.template,
            'Musubi-Delivery': id,
            'Musubi-Timestamp': String(ts),
            'Musubi-Signature': signature(endpoint.secret, ts, body),
          },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          redirect: 'manual',
        });
      } catch (err) {
        throw new DeliveryError(
          String(err instanceof Error && err.cause ? `${err.message}: ${String(err.cause)}` : err),
        );
      }
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status >= 300) throw new DeliveryError(`HTTP ${res.status}`, { status: res.status });
      return { status: res.status };
    },
  };
}

const hq = (actor: Principal) => requireRole(actor, 'owner', 'hq');

function endpointView(e: typeof webhookEndpoints.$inferSelect) {
  return { id: e.id, url: e.url, events: e.events, active: e.active, createdAt: e.createdAt.toISOString() };
}

export async function createEndpoint(
  db: Db,
  actor: Principal,
  input: { url: string; events: string[]; secret?: string | undefined },
) {
  hq(actor);
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ id: newId('whe'), url: input.url, events: input.events, secret })
    .returning();
  // The secret is shown once, when the endpoint is created.
  return { ...endpointView(row!), secret };
}

export async function listEndpoints(db: Db, actor: Principal) {
  hq(actor);
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
  // The last 10 deliveries of every endpoint in one read (outbox_recipient_idx), not one read per endpoint.
  const recent = await query<{
    recipient: string;
    id: string;
    template: string;
    attempts: number;
    sent_at: Date | null;
    dead_at: Date | null;
    next_attempt_at: Date;
    last_status: number | null;
    last_error: string | null;
  }>(
    db,
    sql`SELECT o.* FROM jsonb_array_elements_text(${JSON.stringify(rows.map((e) => e.id))}::jsonb) AS e(id)
          CROSS JOIN LATERAL (SELECT recipient, id, template, attempts, sent_at, dead_at, next_attempt_at, last_status, last_error FROM outbox
                               WHERE channel = 'webhook' AND recipient = e.id ORDER BY id DESC LIMIT 10) o`,
  );
  return rows.map((e) => ({
    ...endpointView(e),
    recentDeliveries: recent
      .filter((r) => r.recipient === e.id)
      .map((r) => ({
        id: deliveryId(Number(r.id)),
        event: r.template,
        attempts: Number(r.attempts),
        deliveredAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
        failedAt: r.dead_at ? new Date(r.dead_at).toISOString() : null,
        nextAttemptAt: !r.sent_at && !r.dead_at ? new Date(r.next_attempt_at).toISOString() : null,
        lastStatus: r.last_status,
        lastError: r.last_error,
      })),
  }));
}

/** Deactivates (pending deliveries then fail as 'endpoint removed or inactive'); history is kept. */
export async function deleteEndpoint(db: Db, actor: Principal, id: string) {
  hq(actor);
  const rows = await db
    .update(webhookEndpoints)
    .set({ active: false })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.active, true)))
    .returning({ id: webhookEndpoints.id });
  if (!rows.length) throw new DomainError('platform.not_found', { path: `/api/webhooks/${id}` });
}
