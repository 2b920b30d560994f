import { isIP } from 'node:net';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { DeliveryError, type Channel } from '../../platform/outbox.ts';
import { recordConsents, type MergeStep } from '../customers/service.ts';
import { pushSubscriptions } from './schema.ts';
import { webpush, type VapidKeys } from './vapid.ts';
import './problems.ts';

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  userAgent?: string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A push service's address: https, or http to this machine only when `allowLoopbackHttp` (tests and
 * development, PUSH_ALLOW_LOOPBACK_HTTP). Anything else would let a member make the server POST wherever she likes.
 */
export function isPushEndpoint(endpoint: string, allowLoopbackHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const loopback = LOOPBACK.has(url.hostname);
  if (loopback) return allowLoopbackHttp && (url.protocol === 'https:' || url.protocol === 'http:');
  // Push services have names (fcm.googleapis.com, updates.push.services.mozilla.com, web.push.apple.com …):
  // an address literal is someone pointing us at a machine of their choosing.
  return url.protocol === 'https:' && !isIP(url.hostname.replace(/^\[|\]$/g, ''));
}

/** A browser's keys as RFC 8291 has them: an uncompressed P-256 point (65 bytes) and a 16-byte secret. */
function validKeys(keys: PushSubscriptionInput['keys']): boolean {
  const p256dh = Buffer.from(keys.p256dh, 'base64url');
  const auth = Buffer.from(keys.auth, 'base64url');
  return p256dh.length === 65 && p256dh[0] === 0x04 && auth.length === 16;
}

/**
 * Her browser will receive Web Push: its subscription is kept (one per browser, several per member; a
 * browser that changes hands moves to the new member) and her marketing consent for push is recorded,
 * since asking for the browser's permission was her saying yes.
 */
export async function subscribePush(
  db: Db,
  actor: Principal,
  input: PushSubscriptionInput,
  opts: { allowLoopbackHttp: boolean },
): Promise<{ id: string; createdAt: string }> {
  const { customerId } = requireCustomer(actor);
  if (!isPushEndpoint(input.endpoint, opts.allowLoopbackHttp))
    throw new DomainError('notifications.bad_push_endpoint', {}, [{ field: 'endpoint', message: 'invalid_url' }]);
  if (!validKeys(input.keys))
    throw new DomainError('notifications.bad_push_keys', {}, [{ field: 'keys', message: 'invalid_format' }]);
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(pushSubscriptions)
      .values({
        id: newId('psb'),
        customerId,
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { customerId, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: input.userAgent ?? null },
      })
      .returning();
    await recordConsents(
      tx,
      customerId,
      [{ channel: 'push', purpose: 'marketing', granted: true }],
      `customer:${customerId}`,
      'push_subscribe',
    );
    return { id: row!.id, createdAt: row!.createdAt.toISOString() };
  });
}

/** This browser stops receiving push (her consent stays as it is: she may have other devices). */
export async function unsubscribePush(db: Executor, actor: Principal, endpoint: string): Promise<void> {
  const { customerId } = requireCustomer(actor);
  const gone = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.customerId, customerId), eq(pushSubscriptions.endpoint, endpoint)))
    .returning({ id: pushSubscriptions.id });
  if (!gone.length) throw new DomainError('notifications.push_subscription_not_found', {});
}

/** A merge brings the merged record's browsers to the survivor (undo takes back the ones moved). */
export const pushMergeStep: MergeStep = {
  async move(tx, from, to) {
    const moved = await tx
      .update(pushSubscriptions)
      .set({ customerId: to })
      .where(eq(pushSubscriptions.customerId, from))
      .returning({ id: pushSubscriptions.id });
    return { pushSubscriptions: moved.map((m) => m.id) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const ids = Array.isArray(moved.pushSubscriptions) ? (moved.pushSubscriptions as string[]) : [];
    if (!ids.length) return;
    await tx
      .update(pushSubscriptions)
      .set({ customerId: restoredId })
      .where(and(eq(pushSubscriptions.customerId, survivorId), inArray(pushSubscriptions.id, ids)));
  },
};

/** What the service worker shows (web/src/sw.ts): title, body, the link to open, a tag per message. */
export function pushPayload(template: string, payload: Record<string, unknown>): string | undefined {
  if (template !== 'campaign') return undefined;
  const url = typeof payload.url === 'string' ? payload.url : typeof payload.link === 'string' ? payload.link : '/';
  return JSON.stringify({
    title: String(payload.title ?? ''),
    body: String(payload.body ?? ''),
    url,
    tag: String(payload.key ?? ''),
  });
}

/** VAPID tokens are valid this long (RFC 8292 allows up to 24 h) … */
const VAPID_VALID_S = 12 * 3600;
/** … and reused for this long: one ES256 signature per push service every few hours, not one per message. */
const VAPID_REUSE_MS = 6 * 3600_000;

/** The VAPID Authorization header for a push service's origin, signed once and reused while it is fresh. */
export function vapidSigner(vapid: VapidKeys, now = () => Date.now()): (audience: string) => string {
  const kept = new Map<string, { header: string; until: number }>();
  return (audience) => {
    const hit = kept.get(audience);
    if (hit && hit.until > now()) return hit.header;
    const header = webpush().getVapidHeaders(
      audience,
      vapid.subject,
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
      Math.floor(now() / 1000) + VAPID_VALID_S,
    ).Authorization;
    kept.set(audience, { header, until: now() + VAPID_REUSE_MS });
    return header;
  };
}

/**
 * Channel 'push': a message per subscribed browser (the outbox row's recipient is the subscription's id),
 * encrypted for that browser (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292) by `web-push`,
 * POSTed with fetch so each attempt is cut at `timeoutMs`. The push service answering 404 or 410 means the
 * browser unsubscribed: the subscription is deleted and the message is a dead letter at once; 400/413 will
 * not get better either; 429 and 5xx are retried.
 */
export function pushChannel(
  db: Executor,
  opts: {
    vapid: VapidKeys;
    timeoutMs?: number;
    concurrency?: number;
    allowLoopbackHttp?: boolean;
    /** Seconds the push service keeps a message for a browser that is offline. */
    ttlSeconds?: number;
  },
): Channel {
  const vapidHeader = vapidSigner(opts.vapid);
  return {
    lane: 'channel',
    concurrency: opts.concurrency ?? 8,
    send: async (m, { signal }) => {
      const body = pushPayload(m.template, m.payload);
      if (!body) return; // nothing we know how to say as a push
      const [sub] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, m.recipient));
      if (!sub) throw new DeliveryError('push subscription removed', { permanent: true });
      if (!isPushEndpoint(sub.endpoint, opts.allowLoopbackHttp ?? false))
        throw new DeliveryError('push endpoint not allowed', { permanent: true });
      const req = webpush().generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        body,
        {
          // Our own VAPID header (nothing sets web-push's global VAPID details, so it adds none of its own).
          headers: { Authorization: vapidHeader(new URL(sub.endpoint).origin) },
          TTL: opts.ttlSeconds ?? 24 * 3600,
          contentEncoding: 'aes128gcm',
        },
      );
      let res: Response;
      try {
        res = await fetch(req.endpoint, {
          method: 'POST',
          headers: req.headers as Record<string, string>,
          body: req.body ? new Uint8Array(req.body) : null,
          signal: AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)]),
        });
      } catch (err) {
        throw new DeliveryError(`push: ${(err as Error).message}`);
      }
      await res.body?.cancel().catch(() => {});
      if (res.ok) return { status: res.status };
      if (res.status === 404 || res.status === 410)
        await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id));
      throw new DeliveryError(`push service answered HTTP ${res.status}`, {
        status: res.status,
        permanent: [400, 403, 404, 410, 413].includes(res.status),
      });
    },
  };
}
