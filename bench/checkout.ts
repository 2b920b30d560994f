/**
 * Checkout and the till, on PGlite and Postgres, each against direct SQL doing the same database work
 * in one statement, on the same database, in the same run:
 *
 * 1. Checkout throughput: `POST /api/carts/:id/checkout` of 3-line guest carts (3 different variants
 *    out of 300, stock plentiful, pickup at one store, pay at store). The carts are written up front
 *    (untimed, by bulk SQL), so the timed operation is only the checkout. Baseline: one statement that
 *    reads the cart lines and prices, locks the 3 stock rows in key order, reserves with guarded UPDATEs,
 *    writes the reservation and its lines, the order, fulfilment, 3 order lines and the payment, and
 *    marks the cart checked out (a short line raises, so all or nothing). Neither baseline sends the
 *    NOTIFYs (stock, order) the API does, as hot-sku's best-statement baseline.
 * 2. Flash sale: 200 carts made through the API, 1 unit each of the same variant with 50 in stock,
 *    checked out all at once: exactly 50 orders, zero oversell, and how long the burst took.
 * 3. Till sale latency: `POST /api/pos/sales` with 3 JAN lines paid in cash, one till (sequential) and 4
 *    tills at once at the same store, against the same sale as one statement.
 * 4. An offline till's queue sent back in order (500 sales), against 500 one-statement sales in a row.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../server/src/platform/db/connection.ts';
import { newId } from '../server/src/platform/ids.ts';
import { closeLoadWorker, httpLoad, type LoadOps } from './load-worker.ts';
import {
  check,
  compare,
  figures,
  fmt,
  HttpClient,
  median,
  note,
  printTable,
  quick,
  sqlSide,
  summarize,
  type Comparison,
  type LoadResult,
  type Outcome,
  type Side,
} from './lib.ts';
import {
  BOOTSTRAP_TOKEN,
  createLocations,
  createProduct,
  createSpread,
  openTarget,
  POOL_SIZE,
  rawQuery,
  receive,
  startServer,
  stockInvariantViolations,
  timed,
  type RunningServer,
  type Target,
  type TargetName,
  onEachTarget,
} from './setup.ts';

const CLIENTS = 8;
const TILLS = 4;
/** Seconds per side for checkout throughput, and per case for till latency. */
const CHECKOUT_SECONDS = quick ? 2 : 6;
const POS_SECONDS = quick ? 0.75 : 2;
/** Sales in the offline queue sent back (the closing-note figure of issue 11: 500). */
const OFFLINE_QUEUE = quick ? 50 : 500;
const VARIANTS = 300;
const PRICE = 1980; // createProduct's price, 10 %
const FLASH = { carts: 200, units: 50 };
const GUEST = { name: 'ベンチ 太郎', email: 'bench@example.com' };
const CHECKOUT_BODY = { payment: { method: 'pay_at_store' }, guest: GUEST };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pickDistinct = <T>(xs: readonly T[], n: number): T[] => {
  const out = new Set<T>();
  while (out.size < n) out.add(xs[Math.floor(Math.random() * xs.length)]!);
  return [...out];
};

// ---------------------------------------------------------------------------------------------------
// The baselines

/**
 * Checkout as one statement. $1 cart, $2 location, $3 order, $4 fulfilment, $5 reservation, $6 hold
 * expiry (next_expiry, as checkout's 300 s hold), $7 reservation expiry (pickup deadline + 1 day, as
 * extended), $8 pickup deadline, $9 pickup code, $10 order line ids, $11 payment, $12 guest, $13 staff.
 * The stock rows are locked in key order first (as the API does), so concurrent carts cannot deadlock;
 * the guarded UPDATEs then re-check the newest row versions. Anything short raises (cast error), which
 * rolls the whole statement back.
 */
const CHECKOUT_SQL = `
WITH cl AS (
  SELECT c.variant_id, c.quantity, v.product_id, v.jan, v.price, v.options, p.name, p.tax_rate,
         row_number() OVER (ORDER BY c.added_at, c.variant_id)::int AS n
    FROM cart_lines c JOIN variants v ON v.id = c.variant_id JOIN products p ON p.id = v.product_id
   WHERE c.cart_id = $1::text),
cart AS (
  UPDATE carts SET status = 'checked_out', order_id = $3::text, updated_at = now()
   WHERE id = $1::text AND status = 'open' RETURNING channel, location_id),
lk AS (
  SELECT s.variant_id FROM stock_levels s
   WHERE s.location_id = $2::text AND s.variant_id IN (SELECT variant_id FROM cl)
   ORDER BY s.variant_id FOR UPDATE),
lvl AS (
  UPDATE stock_levels s
     SET reserved = s.reserved + cl.quantity,
         next_expiry = LEAST(COALESCE(s.next_expiry, $6::timestamptz), $6::timestamptz),
         updated_at = now()
    FROM lk JOIN cl ON cl.variant_id = lk.variant_id
   WHERE s.variant_id = lk.variant_id AND s.location_id = $2::text AND s.on_hand - s.reserved >= cl.quantity
  RETURNING s.variant_id),
tot AS (SELECT coalesce(sum(price * quantity), 0)::int AS total, count(*)::int AS n FROM cl),
tax AS (
  SELECT coalesce(json_agg(json_build_object('rate', rate, 'base', base, 'tax', base * rate / (100 + rate)) ORDER BY rate DESC), '[]'::json) AS j
    FROM (SELECT tax_rate AS rate, sum(price * quantity)::int AS base FROM cl GROUP BY 1) t),
res AS (
  INSERT INTO reservations (id, status, reason, reference, expires_at, created_by)
  VALUES ($5::text, 'active', 'order', $1::text, $7::timestamptz, 'sys_orders') RETURNING 1),
rl AS (
  INSERT INTO reservation_lines (reservation_id, variant_id, location_id, quantity)
  SELECT $5::text, variant_id, $2::text, quantity FROM cl RETURNING 1),
ord AS (
  INSERT INTO orders (id, number, channel, location_id, customer_id, guest, subtotal, discount_total, shipping_fee, total, taxes, discounts, points_used, cart_id, staff_id)
  SELECT $3::text, 'W-' || lpad(nextval('order_number_seq')::text, 6, '0'), cart.channel, cart.location_id, NULL, $12::jsonb,
         tot.total, 0, 0, tot.total, tax.j::jsonb, '[]'::jsonb, 0, $1::text, $13::text
    FROM cart, tot, tax RETURNING 1),
ful AS (
  INSERT INTO fulfilments (id, order_id, type, location_id, status, pickup_code, deadline, reservation_id)
  VALUES ($4::text, $3::text, 'pickup', $2::text, 'placed', $9::text, $8::timestamptz, $5::text) RETURNING 1),
oln AS (
  INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity, unit_price, tax_rate, discount, total)
  SELECT ($10::text[])[n], $3::text, $4::text, variant_id, product_id, name, options, jan, quantity, price, tax_rate, 0, price * quantity FROM cl RETURNING 1),
pay AS (
  INSERT INTO payments (id, order_id, method, amount, captured_amount, status)
  SELECT $11::text, $3::text, 'pay_at_store', total, 0, 'pending' FROM tot RETURNING 1)
SELECT CASE WHEN (SELECT count(*) FROM cart) = 1 AND t.n > 0 AND (SELECT count(*) FROM lvl) = t.n
            THEN 1 ELSE ('checkout refused: cart ' || (SELECT count(*) FROM cart) || ', reserved ' || (SELECT count(*) FROM lvl) || ' of ' || t.n)::int END AS ok
  FROM tot t`;

const pickupCode = () =>
  randomBytes(6)
    .toString('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'X')
    .slice(0, 8);

async function checkoutDirect(
  database: Database,
  cartId: string,
  locationId: string,
  staffId: string | null,
): Promise<Outcome> {
  const now = Date.now();
  const deadline = now + 7 * 86400_000;
  const [r] = await rawQuery<{ ok: number }>(database, CHECKOUT_SQL, [
    cartId,
    locationId,
    newId('ord'),
    newId('ful'),
    newId('rsv'),
    new Date(now + 300_000).toISOString(),
    new Date(deadline + 86400_000).toISOString(),
    new Date(deadline).toISOString(),
    pickupCode(),
    [0, 1, 2].map((i) => newId('oln', now + i)),
    newId('pay'),
    JSON.stringify(GUEST),
    staffId,
  ]);
  return Number(r?.ok) === 1 ? true : 'refused';
}

/**
 * A till sale as one statement: look the JANs up, lock the stock rows in key order, take the goods off
 * on_hand (never refused; the shortfall adjustment movement is not written — stock here is plentiful,
 * so the API does not write one either), the sale movements, order, fulfilment, lines and the cash
 * payment. $1 location, $2 JANs, $3 quantities, $4 movement ids, $5 order, $6 staff, $7 client
 * transaction id, $8 fulfilment, $9 order line ids, $10 payment, $11 tendered, $12 expected total.
 */
const TILL_SQL = `
WITH input AS (SELECT jan, quantity, ord::int FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS t(jan, quantity, ord)),
ln AS (
  SELECT v.id AS variant_id, v.product_id, v.jan, v.price, v.options, p.name, p.tax_rate, i.quantity, i.ord
    FROM input i JOIN variants v ON v.jan = i.jan JOIN products p ON p.id = v.product_id),
lk AS (
  SELECT s.variant_id FROM stock_levels s
   WHERE s.location_id = $1::text AND s.variant_id IN (SELECT variant_id FROM ln)
   ORDER BY s.variant_id FOR UPDATE),
lvl AS (
  UPDATE stock_levels s
     SET on_hand = s.on_hand + GREATEST(0, ln.quantity - (s.on_hand - s.reserved)) - ln.quantity, updated_at = now()
    FROM lk JOIN ln ON ln.variant_id = lk.variant_id
   WHERE s.variant_id = lk.variant_id AND s.location_id = $1::text
  RETURNING s.variant_id, s.on_hand, ln.quantity, ln.ord),
mov AS (
  INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, on_hand_after, reference, staff_id)
  SELECT ($4::text[])[ord], variant_id, $1::text, 'sale', -quantity, on_hand, $5::text, $6::text FROM lvl RETURNING 1),
tot AS (SELECT coalesce(sum(price * quantity), 0)::int AS total, count(*)::int AS n FROM ln),
tax AS (
  SELECT coalesce(json_agg(json_build_object('rate', rate, 'base', base, 'tax', base * rate / (100 + rate)) ORDER BY rate DESC), '[]'::json) AS j
    FROM (SELECT tax_rate AS rate, sum(price * quantity)::int AS base FROM ln GROUP BY 1) t),
ord AS (
  INSERT INTO orders (id, number, channel, location_id, status, subtotal, discount_total, shipping_fee, total, taxes, discounts, points_used, client_transaction_id, staff_id)
  SELECT $5::text, 'S-' || lpad(nextval('order_number_seq')::text, 6, '0'), 'store', $1::text, 'completed', total, 0, 0, total, tax.j::jsonb, '[]'::jsonb, 0, $7::text, $6::text
    FROM tot, tax RETURNING 1),
ful AS (
  INSERT INTO fulfilments (id, order_id, type, location_id, status, completed_at)
  VALUES ($8::text, $5::text, 'instore', $1::text, 'completed', now()) RETURNING 1),
oln AS (
  INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity, unit_price, tax_rate, discount, total)
  SELECT ($9::text[])[ord], $5::text, $8::text, variant_id, product_id, name, options, jan, quantity, price, tax_rate, 0, price * quantity FROM ln RETURNING 1),
pay AS (
  INSERT INTO payments (id, order_id, method, amount, captured_amount, status, tendered)
  SELECT $10::text, $5::text, 'cash', total, total, 'captured', $11::int FROM tot RETURNING 1)
SELECT CASE WHEN t.n = cardinality($2::text[]) AND (SELECT count(*) FROM lvl) = t.n AND t.total = $12::int
            THEN 1 ELSE ('till sale refused: ' || t.n || ' lines, total ' || t.total)::int END AS ok
  FROM tot t`;

async function tillDirect(
  database: Database,
  locationId: string,
  jans: string[],
  staffId: string | null,
): Promise<Outcome> {
  const now = Date.now();
  const orderId = newId('ord');
  const [r] = await rawQuery<{ ok: number }>(database, TILL_SQL, [
    locationId,
    jans,
    jans.map(() => 1),
    jans.map(() => newId('mov')),
    orderId,
    staffId,
    `sql_${newId('t')}`,
    newId('ful'),
    jans.map((_, i) => newId('oln', now + i)),
    newId('pay'),
    10_000,
    PRICE * jans.length,
  ]);
  return Number(r?.ok) === 1 ? true : 'refused';
}

// ---------------------------------------------------------------------------------------------------
// HTTP load runs in the shared load worker (load-worker.ts), so the client's CPU is not charged to the
// server's event loop.

export const loadOps = {
  /** Check out prepared carts in order; running out is reported, not hidden. */
  checkout: (cartIds: string[], client: HttpClient): (() => Promise<Outcome>) => {
    let next = 0;
    return async () => {
      const id = cartIds[next++];
      if (!id) {
        await sleep(5);
        return 'out of carts';
      }
      const res = await client.request('POST', `/api/carts/${id}/checkout`, CHECKOUT_BODY);
      return res.status === 201 ? true : `HTTP ${res.status}`;
    };
  },
  /** A till sale of 3 different JANs paid in cash. */
  till: (
    { locationId, jans }: { locationId: string; jans: string[] },
    client: HttpClient,
  ): (() => Promise<Outcome>) => {
    let n = 0;
    const run = newId('t').slice(-10);
    return async () => {
      const picked = pickDistinct(jans, 3);
      const total = PRICE * picked.length;
      const res = await client.request('POST', '/api/pos/sales', {
        locationId,
        lines: picked.map((jan) => ({ jan, quantity: 1 })),
        payments: [{ method: 'cash', amount: total, tendered: 10_000 }],
        clientTransactionId: `bench_${run}_${++n}`,
      });
      return res.status === 201 ? true : `HTTP ${res.status}`;
    };
  },
} satisfies LoadOps;

const httpJob = (
  op: keyof typeof loadOps,
  data: unknown,
  j: { port: number; concurrency: number; durationMs: number; warmupMs: number },
) => httpLoad({ kind: 'module', module: import.meta.url, op, data, token: BOOTSTRAP_TOKEN, ...j });

// ---------------------------------------------------------------------------------------------------
// Data

/** `n` open guest carts, 3 lines of different variants each, pickup at `locationId`: bulk SQL, untimed. */
async function prepareCarts(
  database: Database,
  n: number,
  variantIds: string[],
  locationId: string,
): Promise<string[]> {
  const ids: string[] = [];
  const fulfilment = JSON.stringify({ type: 'pickup', locationId });
  for (let made = 0; made < n; made += 2000) {
    const batch = Array.from({ length: Math.min(2000, n - made) }, () => newId('crt'));
    const lineCarts: string[] = [];
    const lineVariants: string[] = [];
    for (const id of batch) {
      for (const v of pickDistinct(variantIds, 3)) {
        lineCarts.push(id);
        lineVariants.push(v);
      }
    }
    await rawQuery(
      database,
      `WITH c AS (INSERT INTO carts (id, channel, fulfilment) SELECT id, 'web', $2::jsonb FROM unnest($1::text[]) AS t(id) RETURNING 1)
       INSERT INTO cart_lines (cart_id, variant_id, quantity) SELECT cart_id, variant_id, 1 FROM unnest($3::text[], $4::text[]) AS t(cart_id, variant_id)`,
      [batch, fulfilment, lineCarts, lineVariants],
    );
    ids.push(...batch);
  }
  return ids;
}

/** The same cart through the API, as a shopper makes it (the flash sale and the shape check). */
async function apiCart(
  client: HttpClient,
  lines: Array<{ variantId: string; quantity: number }>,
  locationId: string,
): Promise<string> {
  const { id } = await client.json<{ id: string }>('POST', '/api/carts', { channel: 'web' }, 201);
  for (const l of lines) await client.json('POST', `/api/carts/${id}/lines`, l, 200);
  await client.json('PUT', `/api/carts/${id}/fulfilment`, { type: 'pickup', locationId }, 200);
  return id;
}

/** What an order wrote, minus ids, times and which variants: HTTP and SQL orders must be the same. */
async function orderShape(database: Database, orderId: string): Promise<string> {
  const [row] = await rawQuery(
    database,
    `SELECT o.channel, o.status, o.subtotal, o.discount_total, o.shipping_fee, o.total, o.taxes, o.discounts, o.points_used, o.guest, o.staff_id,
            o.number ~ '^[WS]-[0-9]{6,}$' AS number_ok, o.client_transaction_id IS NOT NULL AS has_ctid,
            (SELECT json_build_object('n', count(*), 'qty', sum(quantity), 'total', sum(total), 'prices', json_agg(DISTINCT unit_price), 'rates', json_agg(DISTINCT tax_rate))
               FROM order_lines WHERE order_id = o.id) AS lines,
            (SELECT json_agg(json_build_object('method', method, 'amount', amount, 'captured', captured_amount, 'status', status, 'tendered', tendered)) FROM payments WHERE order_id = o.id) AS payments,
            (SELECT json_agg(json_build_object('type', f.type, 'status', f.status, 'code', f.pickup_code IS NOT NULL, 'deadline', f.deadline IS NOT NULL, 'completed', f.completed_at IS NOT NULL,
                      'reservation', (SELECT json_build_object('status', r.status, 'reason', r.reason, 'lines', (SELECT count(*) FROM reservation_lines WHERE reservation_id = r.id),
                                                               'expiresAfterDeadline', r.expires_at > f.deadline)
                                        FROM reservations r WHERE r.id = f.reservation_id)))
               FROM fulfilments f WHERE f.order_id = o.id) AS fulfilments,
            (SELECT count(*) FROM stock_movements WHERE reference = o.id) AS movements,
            (SELECT json_agg(status) FROM carts WHERE order_id = o.id) AS cart
       FROM orders o WHERE o.id = $1`,
    [orderId],
  );
  return JSON.stringify(row ?? null);
}

async function anyOrderOfCarts(database: Database, cartIds: string[]): Promise<string | null> {
  const [r] = await rawQuery<{ id: string }>(
    database,
    'SELECT id FROM orders WHERE cart_id = ANY($1::text[]) ORDER BY created_at DESC LIMIT 1',
    [cartIds],
  );
  return r?.id ?? null;
}

/**
 * Diagnostic (Postgres): the statements the server sends per request, counted on pg.Client (the
 * server runs in this process), over a few sequential requests. The baselines send one.
 */
async function statementsPer(
  database: Database,
  requests: number,
  send: (i: number) => Promise<unknown>,
): Promise<{ statements: number; ms: number } | null> {
  if (!database.pool) return null;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  // BENCH_TRACE=1 prints the first request's statements (where the round trips go).
  const trace = process.env.BENCH_TRACE ? ([] as string[]) : null;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (trace && times.length === 0) trace.push(String(text).replace(/\s+/g, ' ').slice(0, 160));
    return original.apply(this, args);
  };
  const times: number[] = [];
  try {
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      await send(i);
      times.push(performance.now() - t0);
    }
  } finally {
    proto.query = original;
  }
  if (trace) console.log(trace.map((t, i) => `  ${i + 1}. ${t}`).join('\n'));
  return { statements: n / requests, ms: median(times) };
}

// ---------------------------------------------------------------------------------------------------

interface TillCase {
  label: string;
  concurrency: number;
  http: LoadResult;
  sql: LoadResult;
}

async function runTarget(name: TargetName): Promise<void> {
  const target: Target = await timed(`${name}: open database + migrations`, () => openTarget(name));
  let running: RunningServer | undefined;
  try {
    running = await timed(`${name}: server listening`, () => startServer(target.database));
    const r = running;
    const database = target.database;
    const [store] = await createLocations(database, 1);
    const locationId = store!;
    const rows = await timed(`${name}: ${VARIANTS} variants with stock at one store`, () =>
      createSpread(database, r.client, [locationId], VARIANTS, 10_000_000),
    );
    const variantIds = rows.map((x) => x.variantId);
    const jans = (
      await rawQuery<{ jan: string }>(database, 'SELECT jan FROM variants WHERE id = ANY($1::text[])', [variantIds])
    ).map((x) => x.jan);

    // --- 1. Checkout throughput ----------------------------------------------------------------------
    // One checkout through the API first: it proves the setup and gives the staff id the baseline writes.
    const firstCart = await apiCart(
      r.client,
      pickDistinct(variantIds, 3).map((variantId) => ({ variantId, quantity: 1 })),
      locationId,
    );
    const first = await r.client.json<{ id: string; staffId?: string | null }>(
      'POST',
      `/api/carts/${firstCart}/checkout`,
      CHECKOUT_BODY,
      201,
    );
    const [{ staff_id: staffId } = { staff_id: null }] = await rawQuery<{ staff_id: string | null }>(
      database,
      'SELECT staff_id FROM orders WHERE id = $1',
      [first.id],
    );

    // Carts for each round are written before it (untimed), sized from the fastest rate seen so far; a side
    // that runs out fails the check below rather than quietly under-reporting.
    const estimate: Record<string, number> = {
      http: name === 'postgres' ? 1500 : 800,
      sql: name === 'postgres' ? 6000 : 3000,
    };
    const used: Record<string, string[]> = { http: [], sql: [] };
    const cartsFor = async (side: 'http' | 'sql', ms: number) => {
      const n = Math.ceil((estimate[side]! * ms) / 1000) + 50;
      const ids = await prepareCarts(database, n, variantIds, locationId);
      used[side]!.push(...ids);
      return ids;
    };
    const learn = (side: 'http' | 'sql', res: LoadResult) => {
      // Never lower: a round slowed by the neighbours must not leave the next, faster one short of carts.
      estimate[side] = Math.max(estimate[side]!, (2.5 * res.ok) / (res.elapsedMs / 1000));
      return res;
    };
    note(`${name}: checkout, ${CLIENTS} clients, ${CHECKOUT_SECONDS} s per side`);
    const sides: Side[] = [
      {
        name: 'sql',
        run: async (durationMs, warmupMs) => {
          const ids = await cartsFor('sql', durationMs + warmupMs);
          let next = 0;
          const side = sqlSide('sql', CLIENTS, async () => {
            const id = ids[next++];
            if (!id) {
              await sleep(5);
              return 'out of carts';
            }
            return checkoutDirect(database, id, locationId, staffId);
          });
          return learn('sql', await side.run(durationMs, warmupMs));
        },
      },
      {
        name: 'http',
        run: async (durationMs, warmupMs) => {
          const cartIds = await cartsFor('http', durationMs + warmupMs);
          return learn(
            'http',
            await httpJob('checkout', cartIds, { port: r.port, concurrency: CLIENTS, durationMs, warmupMs }),
          );
        },
      },
    ];
    const cmp = await compare(sides, CHECKOUT_SECONDS);
    reportCheckout(name, cmp);
    const diagCarts = await prepareCarts(database, 20, variantIds, locationId);
    const perCheckout = await statementsPer(database, diagCarts.length, (i) =>
      r.client.json('POST', `/api/carts/${diagCarts[i]}/checkout`, CHECKOUT_BODY, 201),
    );
    if (perCheckout)
      console.log(
        `${name}: the API sends ${perCheckout.statements.toFixed(1)} statements per checkout (baseline: 1); one client alone: median ${fmt.ms(perCheckout.ms)}`,
      );
    const h = cmp.get('http');
    const s = cmp.get('sql');
    check(
      `${name}: every timed checkout succeeded`,
      h.failed === 0 && s.failed === 0,
      `HTTP ${fmt.failures(h.failures)}, SQL ${fmt.failures(s.failures)}`,
    );
    const httpOrder = await anyOrderOfCarts(database, used.http!);
    const sqlOrder = await anyOrderOfCarts(database, used.sql!);
    const shapes = [await orderShape(database, httpOrder ?? ''), await orderShape(database, sqlOrder ?? '')];
    check(
      `${name}: the baseline writes the same rows as checkout`,
      shapes[0] === shapes[1] && shapes[0] !== 'null',
      shapes[0] === shapes[1] ? '' : `HTTP ${shapes[0]}\n    SQL  ${shapes[1]}`,
    );

    // --- 2. Flash sale --------------------------------------------------------------------------------
    const [hot] = await createProduct(r.client, 'ベンチ 限定スニーカー');
    await receive(r.client, hot!, locationId, FLASH.units);
    const flashCarts = await timed(`${name}: ${FLASH.carts} flash-sale carts through the API`, async () => {
      const ids: string[] = [];
      for (let i = 0; i < FLASH.carts; i += 20) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(20, FLASH.carts - i) }, () =>
              apiCart(r.client, [{ variantId: hot!, quantity: 1 }], locationId),
            ),
          )),
        );
      }
      return ids;
    });
    const burst = new HttpClient(r.port, BOOTSTRAP_TOKEN, FLASH.carts);
    const t0 = performance.now();
    const statuses = await Promise.all(
      flashCarts.map((id) =>
        burst
          .request('POST', `/api/carts/${id}/checkout`, CHECKOUT_BODY)
          .then((res) => res.status)
          .catch(() => -1),
      ),
    );
    const flashMs = performance.now() - t0;
    burst.close();
    const ok = statuses.filter((x) => x === 201).length;
    const refused = statuses.filter((x) => x === 409).length;
    const [level] = await rawQuery<{ on_hand: number; reserved: number }>(
      database,
      'SELECT on_hand, reserved FROM stock_levels WHERE variant_id = $1 AND location_id = $2',
      [hot, locationId],
    );
    const [placed] = await rawQuery<{ orders: number; units: number; carts: number }>(
      database,
      `SELECT count(DISTINCT o.id)::int AS orders, coalesce(sum(l.quantity), 0)::int AS units,
              (SELECT count(*)::int FROM carts WHERE id = ANY($1::text[]) AND status = 'checked_out') AS carts
         FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.cart_id = ANY($1::text[])`,
      [flashCarts],
    );
    const oversold =
      Math.max(0, Number(placed?.units ?? 0) - FLASH.units) +
      Math.max(0, Number(level?.reserved ?? 0) - Number(level?.on_hand ?? 0));
    console.log(
      `\n${name}: flash sale — ${FLASH.carts} concurrent checkouts of 1 unit, ${FLASH.units} in stock → ${ok} orders, ${refused} refused (409)` +
        `${FLASH.carts - ok - refused ? `, ${FLASH.carts - ok - refused} other` : ''} in ${fmt.int(flashMs)} ms; stock row on_hand ${level?.on_hand}, reserved ${level?.reserved}; oversell ${oversold}`,
    );
    figures.push({
      bench: 'checkout',
      what: `${name} flash sale ${FLASH.carts} carts / ${FLASH.units} units`,
      value: `${fmt.int(flashMs)} ms`,
      baseline: '',
      ratio: `${ok} sold, oversell ${oversold}`,
    });
    check(
      `${name}: flash sale sells exactly ${FLASH.units} of ${FLASH.carts}, zero oversell`,
      ok === FLASH.units &&
        refused === FLASH.carts - FLASH.units &&
        oversold === 0 &&
        Number(level?.reserved) === FLASH.units &&
        placed?.orders === FLASH.units &&
        placed?.carts === FLASH.units,
      `${ok} × 201, ${refused} × 409, orders ${placed?.orders}, units ${placed?.units}, carts checked out ${placed?.carts}, reserved ${level?.reserved}`,
    );

    // --- 3. Till sales ---------------------------------------------------------------------------------
    const tills: TillCase[] = [];
    for (const [label, concurrency] of [
      ['1 till, sequential', 1],
      [`${TILLS} tills at once`, TILLS],
    ] as const) {
      note(`${name}: till sale, ${label}, ${POS_SECONDS} s per side`);
      const tillSides: Side[] = [
        sqlSide('sql', concurrency, () => tillDirect(database, locationId, pickDistinct(jans, 3), staffId)),
        {
          name: 'http',
          run: (durationMs, warmupMs) =>
            httpJob('till', { locationId, jans }, { port: r.port, concurrency, durationMs, warmupMs }),
        },
      ];
      const c = await compare(tillSides, POS_SECONDS * (quick ? 2 : 1));
      tills.push({ label, concurrency, http: c.get('http'), sql: c.get('sql') });
    }
    reportTill(name, tills);
    const perSale = await statementsPer(database, 20, (i) =>
      r.client.json(
        'POST',
        '/api/pos/sales',
        {
          locationId,
          lines: pickDistinct(jans, 3).map((jan) => ({ jan, quantity: 1 })),
          payments: [{ method: 'cash', amount: PRICE * 3, tendered: 10_000 }],
          clientTransactionId: `bench_diag_${i}_${newId('t')}`,
        },
        201,
      ),
    );
    if (perSale)
      console.log(`${name}: the API sends ${perSale.statements.toFixed(1)} statements per till sale (baseline: 1)`);
    check(
      `${name}: every till sale succeeded`,
      tills.every((t) => t.http.failed === 0 && t.sql.failed === 0),
      tills
        .map((t) => `${t.label}: HTTP ${fmt.failures(t.http.failures)}, SQL ${fmt.failures(t.sql.failures)}`)
        .join('; '),
    );
    const [httpSale] = await rawQuery<{ id: string }>(
      database,
      "SELECT id FROM orders WHERE client_transaction_id LIKE 'bench\\_%' ORDER BY created_at DESC LIMIT 1",
    );
    const [sqlSale] = await rawQuery<{ id: string }>(
      database,
      "SELECT id FROM orders WHERE client_transaction_id LIKE 'sql\\_%' ORDER BY created_at DESC LIMIT 1",
    );
    const saleShapes = [await orderShape(database, httpSale?.id ?? ''), await orderShape(database, sqlSale?.id ?? '')];
    check(
      `${name}: the till baseline writes the same rows as the till`,
      saleShapes[0] === saleShapes[1] && saleShapes[0] !== 'null',
      saleShapes[0] === saleShapes[1] ? '' : `HTTP ${saleShapes[0]}\n    SQL  ${saleShapes[1]}`,
    );

    // --- 4. An offline till's queue sent back ---------------------------------------------------------
    // The till sends its queue one sale at a time, in order (offline-sync.ts): OFFLINE_QUEUE sales of 3 JAN
    // lines rung up offline (as charged, with the time rung up), against the same number of one-statement
    // sales sent one after another; then the whole queue again (a second tab, a retry) must add nothing.
    note(`${name}: an offline queue of ${OFFLINE_QUEUE} sales sent in order`);
    const rungAt = new Date(Date.now() - 3_600_000).toISOString();
    const queue = Array.from({ length: OFFLINE_QUEUE }, (_, i) => ({
      locationId,
      lines: pickDistinct(jans, 3).map((jan) => ({ jan, quantity: 1, unitPrice: PRICE, discount: 0 })),
      payments: [{ method: 'cash', amount: PRICE * 3, tendered: 10_000 }],
      clientTransactionId: `offline_${newId('t').slice(-8)}_${i}`,
      offline: { at: rungAt, discounts: [] },
    }));
    const syncStart = performance.now();
    for (const body of queue) await r.client.json('POST', '/api/pos/sales', body, 201);
    const syncMs = performance.now() - syncStart;
    const directStart = performance.now();
    for (let i = 0; i < OFFLINE_QUEUE; i++) await tillDirect(database, locationId, pickDistinct(jans, 3), staffId);
    const directMs = performance.now() - directStart;
    let replayed = 0;
    for (const body of queue)
      if ((await r.client.json<{ replayed: boolean }>('POST', '/api/pos/sales', body, 200)).replayed) replayed++;
    const [landed] = await rawQuery<{ n: number }>(
      database,
      "SELECT count(*)::int AS n FROM orders WHERE client_transaction_id LIKE 'offline\\_%' AND offline_at IS NOT NULL",
    );
    console.log(
      `${name}: offline queue of ${OFFLINE_QUEUE} sales sent in order in ${fmt.int(syncMs)} ms (${fmt.int((OFFLINE_QUEUE * 1000) / syncMs)} sales/s); the same sales as one statement each, one after another: ${fmt.int(directMs)} ms; sent again: ${replayed} replayed`,
    );
    figures.push({
      bench: 'checkout',
      what: `${name} offline queue of ${OFFLINE_QUEUE} till sales sent in order`,
      value: `${(syncMs / 1000).toFixed(1)} s`,
      baseline: `${(directMs / 1000).toFixed(1)} s`,
      ratio: fmt.pct(directMs / syncMs),
    });
    check(
      `${name}: the offline queue lands once (${OFFLINE_QUEUE} orders), and sent again adds none`,
      Number(landed?.n) === OFFLINE_QUEUE && replayed === OFFLINE_QUEUE,
      `${landed?.n} orders, ${replayed} replayed`,
    );

    const violations = await stockInvariantViolations(database);
    check(
      `${name}: stock_levels.reserved = Σ active reservation lines on every row`,
      violations.length === 0,
      violations.length
        ? `${violations.length} rows differ, e.g. ${JSON.stringify(violations[0])}`
        : `${VARIANTS + 1} rows`,
    );
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}

function reportCheckout(name: TargetName, cmp: Comparison): void {
  const h = summarize(cmp.get('http'));
  const s = summarize(cmp.get('sql'));
  const ratio = h.perSecond / s.perSecond;
  figures.push({
    bench: 'checkout',
    what: `${name} checkout 3 lines ×${CLIENTS}`,
    value: `${fmt.int(h.perSecond)} orders/s`,
    baseline: `${fmt.int(s.perSecond)} orders/s`,
    ratio: `${fmt.pct(ratio)} (rounds ${fmt.range(cmp.ratioRange('http', 'sql'))})`,
    ...(name === 'postgres' ? { target: ratio >= 0.4 ? '≥ 40 % met' : '≥ 40 % MISSED' } : {}),
  });
  printTable(
    `Checkout of a 3-line cart on ${name}: POST /api/carts/:id/checkout vs one SQL statement (${CLIENTS} clients)`,
    [
      'db',
      'HTTP orders/s',
      'SQL orders/s',
      'HTTP/SQL',
      'per round',
      'HTTP p50',
      'HTTP p99',
      'SQL p50',
      'SQL p99',
      'HTTP failed',
      'SQL failed',
    ],
    [
      [
        name,
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
      ],
    ],
  );
}

function reportTill(name: TargetName, cases: TillCase[]): void {
  const rows = cases.map((c) => {
    const h = summarize(c.http);
    const s = summarize(c.sql);
    figures.push({
      bench: 'checkout',
      what: `${name} till sale 3 JAN + cash, ${c.label}`,
      value: `p50 ${fmt.ms(h.p50)}, p99 ${fmt.ms(h.p99)} (${fmt.int(h.perSecond)}/s)`,
      baseline: `SQL p50 ${fmt.ms(s.p50)}, p99 ${fmt.ms(s.p99)} (${fmt.int(s.perSecond)}/s)`,
      ratio: fmt.pct(h.perSecond / s.perSecond),
    });
    return [
      name,
      c.label,
      fmt.ms(h.p50),
      fmt.ms(h.p99),
      fmt.int(h.perSecond),
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      fmt.int(s.perSecond),
      fmt.pct(h.perSecond / s.perSecond),
      fmt.failures(c.http.failures),
      fmt.failures(c.sql.failures),
    ];
  });
  printTable(
    `Till sale (3 JAN lines, cash) on ${name}: POST /api/pos/sales vs one SQL statement`,
    [
      'db',
      'case',
      'HTTP p50',
      'HTTP p99',
      'HTTP sales/s',
      'SQL p50',
      'SQL p99',
      'SQL sales/s',
      'HTTP/SQL',
      'HTTP failed',
      'SQL failed',
    ],
    rows,
  );
}

export async function benchCheckout(): Promise<void> {
  console.log(
    '\n## Checkout, flash sale and till: the HTTP API vs one SQL statement doing the same work (same database, same run)',
  );
  console.log(
    `HTTP load from a worker thread; server pool ${POOL_SIZE} connections; PGlite in a temp dir; carts written before the timed part.`,
  );
  try {
    await onEachTarget(runTarget);
  } finally {
    await closeLoadWorker();
  }
}
