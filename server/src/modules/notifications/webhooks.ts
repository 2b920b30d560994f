import { createHmac, randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { query } from '../../platform/db/connection.ts';
import { requireScope } from '../../platform/api-scopes.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { DeliveryError, type Channel } from '../../platform/outbox.ts';
import { EgressGuard, EgressRefused, EgressUnresolvable, postPinned } from '../../platform/egress.ts';
import { setEventDemand } from '../../platform/event-demand.ts';
import { eventMatches } from '../../platform/subscribers.ts';
import { webhookEndpoints } from './schema.ts';
import { webhookEventNames } from './webhook-events.ts';

/** How an endpoint's deliveries are signed: Standard Webhooks, or the legacy `Musubi-Signature` (one release). */
export const signatureSchemes = ['standard', 'legacy'] as const;
export type SignatureScheme = (typeof signatureSchemes)[number];

/** Legacy: `Musubi-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>` (the secret's text is the key). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<ts>.<body>")>`, the key being the
 * bytes of the secret's base64 after `whsec_`.
 */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export function isStandardSecret(secret: string): boolean {
  const m = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/.exec(secret);
  const bytes = m ? Buffer.from(m[1]!, 'base64').length : 0;
  return bytes >= 24 && bytes <= 64;
}

export function newSecret(scheme: SignatureScheme): string {
  return scheme === 'standard'
    ? `whsec_${randomBytes(32).toString('base64')}`
    : `whsec_${randomBytes(24).toString('hex')}`;
}

/** The headers of one attempt: the event, the delivery id and the signature in the endpoint's scheme. */
export function signedHeaders(
  endpoint: {
    secret: string;
    signature: SignatureScheme;
    previousSecret?: string | null;
    previousSecretUntil?: Date | null;
  },
  m: { id: string; event: string; timestamp: number; body: string },
): Record<string, string> {
  const common = { 'content-type': 'application/json', 'user-agent': 'Musubi-Webhooks/1', 'Musubi-Event': m.event };
  if (endpoint.signature === 'legacy')
    return {
      ...common,
      'Musubi-Delivery': m.id,
      'Musubi-Timestamp': String(m.timestamp),
      'Musubi-Signature': signature(endpoint.secret, m.timestamp, m.body),
    };
  return {
    ...common,
    'webhook-id': m.id,
    'webhook-timestamp': String(m.timestamp),
    // While a rolled secret's overlap lasts, both sign (space-separated, as the standard allows), so a
    // receiver verifies with either while it moves to the new one.
    'webhook-signature': [
      standardSignature(endpoint.secret, m.id, m.timestamp, m.body),
      ...(endpoint.previousSecret &&
      endpoint.previousSecretUntil &&
      endpoint.previousSecretUntil.getTime() > m.timestamp * 1000
        ? [standardSignature(endpoint.previousSecret, m.id, m.timestamp, m.body)]
        : []),
    ].join(' '),
  };
}

/** The id a receiver dedupes on (`webhook-id`, legacy `Musubi-Delivery`, and the body's `id`): the same on every attempt. */
export function deliveryId(outboxId: number): string {
  return `whd_${outboxId}`;
}

/**
 * Channel 'webhook': one outbox row per endpoint (recipient = endpoint id), POSTed with no transaction
 * open. Each endpoint is a lane of its own, so a receiver that never answers delays only its own
 * deliveries. The signature's timestamp is taken per attempt (receivers reject old timestamps). The URL's
 * host is resolved and checked at every attempt (`egress`) and the connection pinned to the checked
 * address; a refused address is a dead letter at once, with its reason. 2xx → delivered; a removed or
 * inactive endpoint → dead letter; anything else (a redirect too: none is followed) → retried with backoff.
 */
export function webhookChannel(
  db: Db,
  opts: { egress?: EgressGuard; timeoutMs?: number; concurrency?: number; maxAttempts?: number } = {},
): Channel {
  const egress = opts.egress ?? new EgressGuard();
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
      const url = new URL(endpoint.url);
      let res: { status: number };
      try {
        const addresses = await egress.resolve(url);
        const ts = Math.floor(Date.now() / 1000);
        res = await postPinned(url, addresses, {
          headers: signedHeaders(endpoint, { id, event: m.template, timestamp: ts, body }),
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (err) {
        if (err instanceof EgressRefused) throw new DeliveryError(err.message, { permanent: true });
        throw new DeliveryError(
          String(err instanceof Error && err.cause ? `${err.message}: ${String(err.cause)}` : err),
        );
      }
      if (res.status < 200 || res.status >= 300) throw new DeliveryError(`HTTP ${res.status}`, { status: res.status });
      return { status: res.status };
    },
  };
}

/** Head office manages webhooks; an API token only with webhooks:manage (checked here too, not only at the edge). */
const hq = (actor: Principal) => {
  requireScope(actor, 'webhooks:manage');
  return requireRole(actor, 'owner', 'hq');
};

function endpointView(e: typeof webhookEndpoints.$inferSelect) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    signature: e.signature,
    previousSecretUntil:
      e.previousSecretUntil && e.previousSecretUntil > new Date() ? e.previousSecretUntil.toISOString() : null,
    active: e.active,
    createdAt: e.createdAt.toISOString(),
  };
}

/**
 * Refuses (422) a URL whose host is, or resolves to, an address the server must not reach (egress.ts). A
 * name that does not resolve now is accepted: it reaches nothing today, and every delivery checks again.
 */
export async function checkEndpointUrl(egress: EgressGuard, url: string) {
  try {
    await egress.resolve(new URL(url));
  } catch (err) {
    if (err instanceof EgressRefused)
      throw new DomainError(
        'notifications.webhook_address_refused',
        {
          host: err.host,
          address: err.address,
          reason: err.reason,
        },
        [{ field: 'url', message: `refused_${err.reason}` }],
      );
    if (!(err instanceof EgressUnresolvable)) throw err;
  }
}

export async function createEndpoint(
  db: Db,
  actor: Principal,
  egress: EgressGuard,
  input: { url: string; events: string[]; secret?: string | undefined; signature?: SignatureScheme | undefined },
) {
  hq(actor);
  const scheme = input.signature ?? 'standard';
  if (input.secret !== undefined && scheme === 'standard' && !isStandardSecret(input.secret))
    throw new DomainError('notifications.bad_webhook_secret', {}, [{ field: 'secret', message: 'invalid_format' }]);
  await checkEndpointUrl(egress, input.url);
  const secret = input.secret ?? newSecret(scheme);
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ id: newId('whe'), url: input.url, events: input.events, secret, signature: scheme })
    .returning();
  await syncWebhookDemand(db);
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

/**
 * A new signing secret for an endpoint, shown once (like at registration). With the standard scheme the old
 * one keeps signing beside it for `overlapHours` (24; 0 = at once), so the receiver can move without losing a
 * delivery. `signature: 'standard'` moves a legacy endpoint to Standard Webhooks (its receiver must verify
 * the new headers from then on: there is no overlap across schemes).
 */
export async function rollSecret(
  db: Db,
  actor: Principal,
  id: string,
  input: { signature?: SignatureScheme | undefined; overlapHours?: number | undefined },
) {
  hq(actor);
  const [current] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.active, true)));
  if (!current) throw new DomainError('platform.not_found', { path: `/api/webhooks/${id}` });
  const scheme = input.signature ?? current.signature;
  const overlapHours = input.overlapHours ?? 24;
  const keep = scheme === 'standard' && current.signature === 'standard' && overlapHours > 0;
  const secret = newSecret(scheme);
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      secret,
      signature: scheme,
      previousSecret: keep ? current.secret : null,
      previousSecretUntil: keep ? new Date(Date.now() + overlapHours * 3600_000) : null,
    })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return { ...endpointView(row!), secret };
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
  await syncWebhookDemand(db);
}

/**
 * Tell the modules below which events the active endpoints want (platform/event-demand.ts): news written
 * only for integrations (stock levels, points, products …) is written only while an endpoint wants it.
 * Run after every change of the endpoints and at start.
 */
export async function syncWebhookDemand(db: Db): Promise<void> {
  const active = await db
    .select({ events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.active, true));
  const patterns = new Set(active.flatMap((e) => e.events as string[]));
  const wanted = webhookEventNames.filter((name) => [...patterns].some((p) => eventMatches(p, name)));
  // inventory.low is worked out from the stock level news: wanting it writes that too.
  if (wanted.includes('inventory.low') && !wanted.includes('inventory.level_changed'))
    wanted.push('inventory.level_changed');
  await setEventDemand(db, 'webhook', wanted);
}
