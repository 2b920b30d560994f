import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { isActiveProductSql } from '../catalog/service.ts';
import { memberProductsSql } from '../orders/service.ts';
import { historySql, MAX_HISTORY } from './history.ts';

/** Neighbours kept per product: enough for a product page, and for a member's candidates after her purchases are taken out. */
export const NEIGHBOURS = 20;
/** A pair seen in fewer members' histories is chance, not taste. */
export const MIN_TOGETHER = 2;
/** Shrinkage: a pair shared by `SHRINK` members keeps half its cosine, by 4 × SHRINK four fifths. */
export const SHRINK = 5;
/** Popularity is counted over recent purchases. */
export const POPULAR_DAYS = 90;
/** The job recomputes when the last run is older than this. */
export const REFRESH_EVERY_MS = 3600_000;
/** A run not finished within this is presumed dead: another copy may take it over. */
const LEASE_MINUTES = 30;
const RUN_ID = 'neighbours';

export interface RefreshResult {
  members: number;
  products: number;
  pairs: number;
  ms: number;
}

/**
 * Recompute every product's neighbours and the popularity list from the members' histories, in one
 * transaction (readers keep the previous set until it commits). Score: docs/recommendations.md.
 */
export async function recomputeNeighbours(db: Db, opts: { now?: Date } = {}): Promise<RefreshResult> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const popularSince = new Date(now.getTime() - POPULAR_DAYS * 86400_000);
  const counts = await inTransaction(db, async (tx) => {
    // A batch over every member's history: longer than a request may take.
    await tx.execute(sql`SET LOCAL statement_timeout = '30min'`);
    await tx.execute(sql`DELETE FROM product_neighbours`);
    await tx.execute(sql`DELETE FROM product_popularity`);
    const [pairs] = await query<{ pairs: number; products: number; members: number }>(
      tx,
      sql`WITH h AS MATERIALIZED (
            SELECT customer_id, product_id, w FROM (
              SELECT customer_id, product_id, w,
                     row_number() OVER (PARTITION BY customer_id ORDER BY at DESC, product_id) AS n
                FROM (${historySql({ now })}) x) y
             WHERE n <= ${MAX_HISTORY}
          ), norms AS (
            SELECT product_id, sum(w * w) AS n2 FROM h GROUP BY product_id
          ), pairs AS (
            SELECT a.product_id AS i, b.product_id AS j, sum(a.w * b.w) AS dot, count(*)::int AS together
              FROM h a JOIN h b ON b.customer_id = a.customer_id AND b.product_id <> a.product_id
             GROUP BY a.product_id, b.product_id
            HAVING count(*) >= ${MIN_TOGETHER}
          ), ranked AS (
            SELECT i, j, together, s,
                   row_number() OVER (PARTITION BY i ORDER BY s DESC, j) AS rank
              FROM (SELECT p.i, p.j, p.together,
                           p.dot / sqrt(ni.n2 * nj.n2) * p.together / (p.together + ${SHRINK}::float8) AS s
                      FROM pairs p JOIN norms ni ON ni.product_id = p.i JOIN norms nj ON nj.product_id = p.j) scored
          ), kept AS (
            INSERT INTO product_neighbours (product_id, rank, neighbour_id, score, together)
            SELECT i, rank, j, s, together FROM ranked WHERE rank <= ${NEIGHBOURS}
            RETURNING product_id
          )
          SELECT (SELECT count(*) FROM kept)::int AS pairs, (SELECT count(DISTINCT product_id) FROM kept)::int AS products,
                 (SELECT count(DISTINCT customer_id) FROM h)::int AS members`,
    );
    await tx.execute(sql`INSERT INTO product_popularity (product_id, buyers, rank)
      SELECT product_id, count(*)::int, row_number() OVER (ORDER BY count(*) DESC, product_id)
        FROM (${memberProductsSql({ since: popularSince })}) b
       WHERE ${isActiveProductSql(sql`b.product_id`)}
       GROUP BY product_id`);
    return pairs!;
  });
  return { ...counts, ms: Math.round(performance.now() - started) };
}

/**
 * The refresh job (every minute, in every app copy): recompute when the last run is older than
 * REFRESH_EVERY_MS. The lease row lets one copy run it; a copy that died mid-run is taken over after
 * LEASE_MINUTES. Answers null when there was nothing to do.
 */
export async function refreshIfDue(db: Db, opts: { everyMs?: number } = {}): Promise<RefreshResult | null> {
  const everyMs = opts.everyMs ?? REFRESH_EVERY_MS;
  const claimed = await query<{ id: string }>(
    db,
    sql`INSERT INTO recommendation_runs (id, started_at, lease_until)
        VALUES (${RUN_ID}, now(), now() + make_interval(mins => ${LEASE_MINUTES}))
        ON CONFLICT (id) DO UPDATE SET started_at = now(), lease_until = now() + make_interval(mins => ${LEASE_MINUTES})
         WHERE (recommendation_runs.lease_until IS NULL OR recommendation_runs.lease_until < now())
           AND (recommendation_runs.finished_at IS NULL
                OR recommendation_runs.finished_at < now() - make_interval(secs => ${everyMs / 1000}))
        RETURNING id`,
  );
  if (!claimed.length) return null;
  try {
    const result = await recomputeNeighbours(db);
    await db.execute(sql`UPDATE recommendation_runs SET finished_at = now(), lease_until = NULL,
        members = ${result.members}, products = ${result.products}, pairs = ${result.pairs} WHERE id = ${RUN_ID}`);
    return result;
  } catch (err) {
    // Let the next tick try again rather than wait out the lease.
    await db.execute(sql`UPDATE recommendation_runs SET lease_until = NULL WHERE id = ${RUN_ID}`);
    throw err;
  }
}
