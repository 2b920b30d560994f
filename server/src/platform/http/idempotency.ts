import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { idempotencyKeys } from '../db/platform-schema.ts';
import { DomainError } from '../errors.ts';

/** A first request that died mid-flight (process killed) frees its key after this long. */
const STALE_RUNNING_MS = 5 * 60_000;

function principalKey(request: FastifyRequest): string {
  const p = request.principal;
  return p.kind === 'staff' ? `staff:${p.staffId}` : p.kind === 'customer' ? `customer:${p.customerId}` : `anon:${request.ip}`;
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update('\0')
    .update(request.url)
    .update('\0')
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

/**
 * Idempotency-Key for routes declared with `config: { idempotent: true }`: the first response is stored
 * and replayed byte for byte; the same key with another body is 422; a repeat while the first is still
 * running is 409. 5xx responses are not stored, so the client may retry them.
 */
export function registerIdempotency(app: FastifyInstance, db: Db) {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new DomainError('platform.validation', {}, [{ field: 'Idempotency-Key', message: '1–255 characters' }]);
    }
    const principal = principalKey(request);
    const hash = requestHash(request);
    const path = request.routeOptions.url ?? request.url;
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ principal, key, method: request.method, path, requestHash: hash, status: 'running' })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) {
      request.idempotency = { principal, key };
      return;
    }
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));
    if (!row) throw new DomainError('platform.idempotency_in_progress');
    if (row.requestHash !== hash) throw new DomainError('platform.idempotency_key_reused');
    if (row.status === 'running') {
      if (Date.now() - row.createdAt.getTime() < STALE_RUNNING_MS) throw new DomainError('platform.idempotency_in_progress');
      const taken = await db
        .update(idempotencyKeys)
        .set({ createdAt: sql`now()` })
        // the staleness test sits in the UPDATE so only one retry takes over a stale key
        .where(
          and(
            eq(idempotencyKeys.principal, principal),
            eq(idempotencyKeys.key, key),
            eq(idempotencyKeys.status, 'running'),
            lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${STALE_RUNNING_MS / 1000})`),
          ),
        )
        .returning({ key: idempotencyKeys.key });
      if (!taken.length) throw new DomainError('platform.idempotency_in_progress');
      request.idempotency = { principal, key };
      return;
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
    const where = and(eq(idempotencyKeys.principal, idem.principal), eq(idempotencyKeys.key, idem.key));
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await db.delete(idempotencyKeys).where(where);
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
      })
      .where(where);
    return payload;
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
