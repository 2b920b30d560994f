import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { idempotencyKeys } from '../db/platform-schema.ts';
import { DomainError } from '../errors.ts';

/**
 * How long a running key stays its owner's without a renewal. The owner renews it every third of that
 * while the request runs, so only a dead owner (killed, crashed, cut off from the database) lets it lapse,
 * and a retry after its death runs (or replays) within seconds. Longer than a card checkout's attempt
 * lease (orders' ATTEMPT_LEASE_MS), so the retry finds the dead attempt lapsed and undoes it.
 */
export const LEASE_MS = 10_000;

export interface IdempotencyOptions {
  /** Tests shorten it; LEASE_MS otherwise. */
  leaseMs?: number;
}

function principalKey(request: FastifyRequest): string {
  const p = request.principal;
  // A guest is told apart by address: request.ip, the client's own behind a trusted proxy (TRUST_PROXY).
  return p.kind === 'staff'
    ? `staff:${p.staffId}`
    : p.kind === 'customer'
      ? `customer:${p.customerId}`
      : `anon:${request.ip}`;
}

/** The fingerprint a repeat must match: method, URL and the parsed body. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(method)
    .update('\0')
    .update(url)
    .update('\0')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

/**
 * Idempotency-Key for routes declared with `config: { idempotent: true }`: the first response is stored
 * and replayed byte for byte; the same key with another body is 422; a repeat while the first is still
 * running is 409. 5xx responses are not stored, so the client may retry them.
 *
 * A running key is held by a lease its owner renews. When the owner dies the lease lapses and the next
 * retry takes the key over (one taker: the lapse is tested in the UPDATE) and runs the request again. A
 * write that had committed before its owner died must then answer with what it made — checkout of a cart
 * that already became an order returns that order — so retried routes are written to be repeatable.
 */
export function registerIdempotency(app: FastifyInstance, db: Db, opts: IdempotencyOptions = {}) {
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const lease = sql`now() + make_interval(secs => ${leaseMs / 1000})`;
  const keyOf = (principal: string, key: string) =>
    and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));

  /** Hold the key for this request: renew the lease until the answer is stored (a timer per request). */
  const hold = (request: FastifyRequest, principal: string, key: string, owner: string) => {
    const renewal = setInterval(
      () => {
        db.update(idempotencyKeys)
          .set({ leaseUntil: lease })
          .where(and(keyOf(principal, key), eq(idempotencyKeys.status, 'running'), eq(idempotencyKeys.owner, owner)))
          .catch((err: unknown) => request.log.warn({ err, key }, 'idempotency lease not renewed'));
      },
      Math.max(Math.floor(leaseMs / 3), 50),
    );
    renewal.unref();
    request.idempotency = { principal, key, owner, renewal };
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new DomainError('platform.validation', {}, [{ field: 'Idempotency-Key', message: '1–255 characters' }]);
    }
    const principal = principalKey(request);
    const hash = requestHash(request.method, request.url, request.body);
    const path = request.routeOptions.url ?? request.url;
    const owner = randomUUID();
    const inserted = await db
      .insert(idempotencyKeys)
      .values({
        principal,
        key,
        method: request.method,
        path,
        requestHash: hash,
        status: 'running',
        owner,
        leaseUntil: lease,
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) return hold(request, principal, key, owner);
    const [row] = await db.select().from(idempotencyKeys).where(keyOf(principal, key));
    if (!row) throw new DomainError('platform.idempotency_in_progress');
    if (row.requestHash !== hash) throw new DomainError('platform.idempotency_key_reused');
    if (row.status === 'running') {
      // Whether the lease lapsed is decided by the database's clock, in the UPDATE, so one retry takes it over.
      const taken = await db
        .update(idempotencyKeys)
        .set({ owner, leaseUntil: lease })
        .where(
          and(
            keyOf(principal, key),
            eq(idempotencyKeys.status, 'running'),
            or(isNull(idempotencyKeys.leaseUntil), lt(idempotencyKeys.leaseUntil, sql`now()`)),
          ),
        )
        .returning({ key: idempotencyKeys.key });
      if (!taken.length) throw new DomainError('platform.idempotency_in_progress');
      request.log.warn({ key, previousOwner: row.owner }, 'idempotency key taken over: its owner stopped renewing it');
      return hold(request, principal, key, owner);
    }
    request.idempotencyReplay = true;
    return reply
      .code(row.responseStatus ?? 200)
      .header('content-type', row.responseType ?? 'application/json; charset=utf-8')
      .header('idempotent-replayed', 'true')
      .send(row.responseBody ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem) return payload;
    request.idempotency = undefined;
    clearInterval(idem.renewal);
    // Only the key's owner stores or frees it: after a takeover the new owner's answer is the one kept.
    const mine = and(keyOf(idem.principal, idem.key), eq(idempotencyKeys.owner, idem.owner));
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await db.delete(idempotencyKeys).where(and(mine, eq(idempotencyKeys.status, 'running')));
      return payload;
    }
    await db
      .update(idempotencyKeys)
      .set({
        status: 'done',
        responseStatus: reply.statusCode,
        responseType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        responseBody: payload,
        completedAt: sql`now()`,
        leaseUntil: null,
      })
      .where(mine);
    return payload;
  });

  // A request whose reply never reaches onSend (hijacked, or the socket gone before an answer) stops renewing.
  app.addHook('onResponse', async (request) => {
    if (request.idempotency) clearInterval(request.idempotency.renewal);
  });
}

/** Forget keys older than the retention period (at least 24 h). */
export async function purgeIdempotencyKeys(db: Db, ttlHours: number): Promise<number> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${ttlHours})`))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
