/**
 * Points redemption: the race (100 concurrent redemptions of 100 points against a balance of 1,000 →
 * exactly 10) and the redemption rate through the real HTTP API against the direct SQL transaction
 * that writes the same rows (customer row lock, ledger entry, FIFO lot updates, allocations, timeline
 * fact), on the same database, in the same run — one hot member and 200 members spread.
 */
import { newId } from '../server/src/platform/ids.ts';
import {
  check,
  compare,
  figures,
  fmt,
  HttpClient,
  note,
  printTable,
  quick,
  sqlSide,
  summarize,
  type Comparison,
  type Outcome,
  type Side,
} from './lib.ts';
import { closeLoadWorker, httpLoad, type LoadOps } from './load-worker.ts';
import {
  BOOTSTRAP_TOKEN,
  openTarget,
  POOL_SIZE,
  rawQuery,
  startServer,
  timed,
  type RunningServer,
  type Target,
  type TargetName,
  onEachTarget,
} from './setup.ts';
import type { Database } from '../server/src/platform/db/connection.ts';

const CLIENTS = 8;
const SECONDS = quick ? 1.5 : 3;

// ---------------------------------------------------------------------------------------------------
// The baseline: the redemption as the fewest round trips that keep it correct. One statement is not
// enough: under READ COMMITTED a statement's snapshot predates the row lock it waits for, so the lock
// must be its own statement and the balance read after it. Hence BEGIN, lock, one CTE, COMMIT.

const LOCK_SQL = `SELECT id FROM customers WHERE id = $1 AND status = 'active' FOR UPDATE`;
const REDEEM_SQL = `
WITH bal AS (SELECT coalesce(sum(points), 0)::int AS b FROM point_entries WHERE customer_id = $1),
live AS (
  SELECT id, remaining, sum(remaining) OVER (ORDER BY expires_at, earned_at, id) - remaining AS before
    FROM point_lots WHERE customer_id = $1 AND remaining > 0 AND expires_at > now()),
take AS (SELECT id, LEAST(remaining, $2::int - before)::int AS n FROM live, bal WHERE bal.b >= $2::int AND before < $2::int),
ent AS (
  INSERT INTO point_entries (id, customer_id, kind, points, reference, channel)
  SELECT $3::text, $1::text, 'redeem', -$2::int, $4::text, 'store' FROM bal WHERE b >= $2::int RETURNING id),
upd AS (UPDATE point_lots l SET remaining = l.remaining - t.n FROM take t WHERE l.id = t.id RETURNING 1),
alloc AS (INSERT INTO point_allocations (entry_id, lot_id, points) SELECT $3::text, id, n FROM take RETURNING 1),
fact AS (
  INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, source, payload)
  SELECT $5::text, 'points_redeemed', now(), 'store', $1::text, 'bench', json_build_object('entryId', $3::text, 'points', $2::int)::jsonb FROM ent RETURNING 1)
SELECT (SELECT count(*) FROM ent)::int AS ok, (SELECT count(*) FROM upd)::int AS lots, (SELECT count(*) FROM alloc)::int AS allocs, (SELECT count(*) FROM fact)::int AS facts`;

/** One redemption of `points` by direct SQL, in its own transaction on the raw driver. */
export async function redeemDirect(database: Database, customerId: string, points = 1): Promise<Outcome> {
  const params = [customerId, points, newId('pte'), `bench_${newId('r')}`, newId('evt')];
  if (database.pglite) {
    return database.pglite.transaction(async (tx) => {
      await tx.query(LOCK_SQL, [customerId]);
      const { rows } = await tx.query<{ ok: number }>(REDEEM_SQL, params);
      return rows[0]?.ok === 1 ? true : 'insufficient';
    });
  }
  const client = await database.pool!.connect();
  try {
    await client.query('BEGIN');
    await client.query(LOCK_SQL, [customerId]);
    const { rows } = await client.query<{ ok: number }>(REDEEM_SQL, params);
    await client.query('COMMIT');
    return rows[0]?.ok === 1 ? true : 'insufficient';
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP load runs in the shared load worker (load-worker.ts), so the client's CPU is not charged to the
// server's event loop.

const pick = <T>(xs: T[]): T => xs[xs.length === 1 ? 0 : Math.floor(Math.random() * xs.length)]!;

/** Run in the shared load worker (load-worker.ts): redeem 1 point from a random member. */
export const loadOps = {
  redeem: (customerIds: string[], client: HttpClient): (() => Promise<Outcome>) => {
    let n = 0;
    const run = newId('b').slice(-8);
    return async () => {
      const res = await client.request('POST', '/api/loyalty/transactions', {
        customerId: pick(customerIds),
        kind: 'redeem',
        points: 1,
        reference: `bench_${run}_${++n}`,
      });
      return res.status === 201 ? true : `HTTP ${res.status}`;
    };
  },
} satisfies LoadOps;

// ---------------------------------------------------------------------------------------------------

async function newMember(running: RunningServer, points: number): Promise<string> {
  const { id } = await running.client.json<{ id: string }>('POST', '/api/customers', { name: 'ベンチ 会員' }, 201);
  for (let left = points; left > 0; left -= 10_000_000) {
    await running.client.json(
      'POST',
      '/api/loyalty/transactions',
      {
        customerId: id,
        kind: 'earn',
        points: Math.min(left, 10_000_000),
        reason: 'ベンチ用の付与',
        reference: `seed_${newId('s')}`,
      },
      201,
    );
  }
  return id;
}

/** 100 concurrent HTTP redemptions of 100 points against a balance of 1,000 (four lots). */
export async function raceCheck(running: RunningServer, attempts = 100) {
  const { id } = await running.client.json<{ id: string }>('POST', '/api/customers', { name: 'ベンチ 競合' }, 201);
  for (let i = 0; i < 4; i++)
    await running.client.json(
      'POST',
      '/api/loyalty/transactions',
      { customerId: id, kind: 'earn', points: 250, reason: 'ベンチ用の付与', reference: `race_${i}` },
      201,
    );
  const burst = new HttpClient(running.port, BOOTSTRAP_TOKEN, attempts);
  const statuses = await Promise.all(
    Array.from({ length: attempts }, (_, i) =>
      burst
        .request('POST', '/api/loyalty/transactions', {
          customerId: id,
          kind: 'redeem',
          points: 100,
          reference: `race_redeem_${i}`,
        })
        .then((r) => r.status)
        .catch(() => -1),
    ),
  );
  burst.close();
  const balance = await running.client.json<{ balance: number }>(
    'GET',
    `/api/customers/${id}/loyalty?limit=1`,
    undefined,
    200,
  );
  return {
    succeeded: statuses.filter((s) => s === 201).length,
    refused: statuses.filter((s) => s === 409).length,
    attempts,
    balance: balance.balance,
  };
}

/** Customers whose ledger and lots disagree, or with a negative balance. */
export async function pointsInvariantViolations(database: Database): Promise<number> {
  const [row] = await rawQuery<{ n: number }>(
    database,
    `SELECT count(*)::int AS n FROM (SELECT customer_id, sum(points) AS s FROM point_entries GROUP BY 1) e
       FULL JOIN (SELECT customer_id, sum(remaining) AS r FROM point_lots GROUP BY 1) l USING (customer_id)
      WHERE coalesce(s, 0) <> coalesce(r, 0) OR coalesce(s, 0) < 0`,
  );
  return Number(row?.n ?? -1);
}

interface CaseResult {
  target: TargetName;
  label: string;
  cmp: Comparison;
}

async function runTarget(name: TargetName): Promise<CaseResult[]> {
  const target: Target = await timed(`${name}: open database + migrations`, () => openTarget(name));
  let running: RunningServer | undefined;
  const results: CaseResult[] = [];
  try {
    running = await timed(`${name}: server listening`, () => startServer(target.database));
    const r = running;
    const race = await raceCheck(r);
    console.log(
      `\n${name}: ${race.attempts} concurrent redemptions of 100 points against 1,000 → ${race.succeeded} redeemed, ${race.refused} refused (409); balance ${race.balance}`,
    );
    check(
      `${name}: exactly 10 of ${race.attempts} redemptions succeed`,
      race.succeeded === 10 && race.refused === race.attempts - 10 && race.balance === 0,
      `${race.succeeded} succeeded, ${race.refused} refused, balance ${race.balance}`,
    );

    const hot = [await newMember(r, 10_000_000)];
    const spread = await timed(`${name}: 200 members with points`, async () => {
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) ids.push(await newMember(r, 1_000_000));
      return ids;
    });
    for (const [label, ids] of [
      ['hot member (1 row lock)', hot],
      ['200 members', spread],
    ] as const) {
      note(`${name}: redeem 1 point, ${label}, ${CLIENTS} clients, ${SECONDS} s per side`);
      const sides: Side[] = [
        sqlSide('sql', CLIENTS, () => redeemDirect(target.database, pick(ids))),
        {
          name: 'http',
          run: (durationMs, warmupMs) =>
            httpLoad({
              kind: 'module',
              module: import.meta.url,
              op: 'redeem',
              data: ids,
              port: r.port,
              token: BOOTSTRAP_TOKEN,
              concurrency: CLIENTS,
              durationMs,
              warmupMs,
            }),
        },
      ];
      results.push({ target: name, label, cmp: await compare(sides, SECONDS) });
    }
    report(results);
    const bad = await pointsInvariantViolations(target.database);
    check(`${name}: every member's ledger sum equals their lots, none negative`, bad === 0, `${bad} members differ`);
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
  return results;
}

function report(all: CaseResult[]): void {
  const rows = all.map(({ target, label, cmp }) => {
    const h = summarize(cmp.get('http'));
    const s = summarize(cmp.get('sql'));
    const ratio = h.perSecond / s.perSecond;
    figures.push({
      bench: 'loyalty',
      what: `${target} redeem, ${label} ×${CLIENTS}`,
      value: `${fmt.int(h.perSecond)} tx/s`,
      baseline: `${fmt.int(s.perSecond)} tx/s`,
      ratio: `${fmt.pct(ratio)} (rounds ${fmt.range(cmp.ratioRange('http', 'sql'))})`,
    });
    return [
      target,
      label,
      fmt.int(h.perSecond),
      fmt.int(s.perSecond),
      fmt.pct(ratio),
      fmt.range(cmp.ratioRange('http', 'sql')),
      fmt.ms(h.p50),
      fmt.ms(h.p99),
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      fmt.failures(h.failures),
      fmt.failures(s.failures),
    ];
  });
  printTable(
    `Redeem 1 point on ${all[0]?.target ?? ''}: HTTP vs direct SQL transaction (${CLIENTS} clients)`,
    [
      'db',
      'case',
      'HTTP tx/s',
      'SQL tx/s',
      'HTTP/SQL',
      'per round',
      'HTTP p50',
      'HTTP p99',
      'SQL p50',
      'SQL p99',
      'HTTP failed',
      'SQL failed',
    ],
    rows,
  );
}

export async function benchLoyalty(): Promise<void> {
  console.log(
    '\n## Points redemption: POST /api/loyalty/transactions vs the direct SQL transaction (same database, same run)',
  );
  console.log(`HTTP load from a worker thread; server pool ${POOL_SIZE} connections; PGlite in a temp dir.`);
  try {
    await onEachTarget(runTarget);
  } finally {
    await closeLoadWorker();
  }
}
