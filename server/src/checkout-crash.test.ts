import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './platform/db/connection.ts';
import { createTempDatabase } from './test/harness.ts';
import { startServerProcess, type RunningServer } from './test/processes.ts';

/**
 * kill -9 of the server during 50 card checkouts, then each retried with its Idempotency-Key — on the
 * restarted server (embedded database), or on a second copy that ran alongside all along (Postgres): every
 * cart ends as one order or a clear refusal within seconds, no hold is left without its order, and every
 * authorisation the acquirer made either belongs to an order or is voided.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const TOKEN = 'checkout-crash-bootstrap-token-01';
const CARTS = 50;
const STOCK = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: any;
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as any };
}
const staff = { authorization: `Bearer ${TOKEN}` };

async function shop(base: string) {
  const hours = { open: '09:00', close: '21:00' };
  const loc = await call(
    base,
    'POST',
    '/api/locations',
    {
      code: 'CRASH',
      name: '障害試験店',
      kind: 'store',
      prefecture: '東京都',
      city: '渋谷区',
      address: '神南1-1-1',
      lat: 35.66,
      lng: 139.7,
      openingHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours },
      services: { pickup: true, orderAhead: false, deliveryRadiusKm: null, shipping: false },
    },
    staff,
  );
  expect(loc.status, JSON.stringify(loc.body)).toBe(201);
  const store = loc.body.id as string;
  const product = await call(
    base,
    'POST',
    '/api/products',
    { name: '限定トート', taxRate: 10, variants: [{ sku: 'CRASH-1', jan: '4901234567894', price: 3300 }] },
    staff,
  );
  const variantId = product.body.variants[0].id as string;
  const receipt = await call(
    base,
    'POST',
    '/api/stock-movements',
    { variantId, locationId: store, kind: 'receipt', quantity: STOCK },
    staff,
  );
  expect(receipt.status).toBe(201);
  const carts: string[] = [];
  for (let i = 0; i < CARTS; i++) {
    const cart = await call(base, 'POST', '/api/carts', { deviceId: `crash-device-${i}` });
    await call(base, 'POST', `/api/carts/${cart.body.id}/lines`, { variantId, quantity: 1 });
    await call(base, 'PUT', `/api/carts/${cart.body.id}/fulfilment`, { type: 'pickup', locationId: store });
    carts.push(cart.body.id);
  }
  return { store, variantId, carts };
}

const checkoutOf = (base: string, cartId: string, i: number) =>
  call(
    base,
    'POST',
    `/api/carts/${cartId}/checkout`,
    {
      payment: { method: 'card', card: { number: '4242424242424242' } },
      guest: { name: '山田 花子', email: `crash${i}@example.jp` },
    },
    { 'idempotency-key': `crash-checkout-${i}` },
  );

/** What must hold once everything has settled, read straight from the database. */
const CHECKS = {
  // Active reservations no order's fulfilment points at (a dead checkout's holds).
  strandedHolds: `SELECT count(*)::int AS n FROM reservations r WHERE r.status = 'active'
                   AND NOT EXISTS (SELECT 1 FROM fulfilments f WHERE f.reservation_id = r.id)`,
  // Authorisations left standing that no order's payment holds.
  strandedCharges: `SELECT count(*)::int AS n FROM test_provider_charges c WHERE c.status = 'authorized'
                     AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.provider_ref = c.id)`,
  // An order's authorisation voided by mistake.
  voidedOrders: `SELECT count(*)::int AS n FROM payments p JOIN test_provider_charges c ON c.id = p.provider_ref
                  WHERE c.status <> 'authorized'`,
  openAttempts: `SELECT count(*)::int AS n FROM card_attempts WHERE status IN ('authorising', 'voiding')`,
  voidedAttempts: `SELECT count(*)::int AS n FROM card_attempts WHERE status = 'voided'`,
  orders: `SELECT count(*)::int AS n FROM orders`,
  reserved: `SELECT coalesce(sum(reserved), 0)::int AS n FROM stock_levels`,
} as const;
type Figures = Record<keyof typeof CHECKS, number>;

/**
 * The run itself. `read` gives the figures while the second copy runs (Postgres); without it (the
 * embedded database, the server's alone) the caller reads them after it has stopped.
 */
async function crashDuringCheckouts(
  env: Record<string, string>,
  opts: {
    read?: () => Promise<Figures>;
    afterKill?: () => Promise<void>;
    /** Holds the kill back until it is true as well (e.g. attempts are open in the database). */
    killWhen?: () => Promise<boolean>;
    /** `alongside`: the second copy runs (and sweeps) while the first takes the checkouts; `after`: a restart. */
    second: 'alongside' | 'after';
    /** How long the acquirer takes to answer (default 250 ms). */
    cardLatencyMs?: number;
  },
) {
  // The acquirer answers slowly, so the kill finds checkouts waiting on it (authorised, never told).
  const all = {
    ...env,
    MUSUBI_BOOTSTRAP_TOKEN: TOKEN,
    TEST_CARD_LATENCY_MS: String(opts.cardLatencyMs ?? 250),
  };
  let a: RunningServer | undefined;
  let b: RunningServer | undefined;
  try {
    [a, b] = await Promise.all([
      startServerProcess(all),
      opts.second === 'alongside' ? startServerProcess(all) : undefined,
    ]);
    const { carts } = await shop(a.url);
    let answered = 0;
    const first = carts.map((cartId, i) =>
      checkoutOf(a!.url, cartId, i).then(
        (r) => {
          answered++;
          return r as Answer | null;
        },
        () => null, // the connection died with the server
      ),
    );
    const started = Date.now();
    // The kill must come while checkouts are still running: past 8 answers, once `killWhen` holds, and at the
    // latest when only a few are left (a loaded CI machine once let all 50 finish while the poll waited).
    while (
      (answered < 8 || (opts.killWhen && answered < CARTS - 5 && !(await opts.killWhen()))) &&
      Date.now() - started < 20_000
    )
      await sleep(5);
    a.child.kill('SIGKILL');
    await new Promise<void>((r) =>
      a!.child.exitCode !== null || a!.child.signalCode !== null ? r() : a!.child.once('exit', () => r()),
    );
    const before = await Promise.all(first);
    const lost = before.filter((r) => r === null).length;
    expect(lost).toBeGreaterThan(0); // the kill really came mid-way
    await opts.afterKill?.();

    b ??= await startServerProcess(all);
    const restarted = Date.now();
    // Each client retries with its key until it gets an answer that is not "still running" (409) or a 5xx.
    const final = await Promise.all(
      carts.map(async (cartId, i) => {
        for (;;) {
          const r = await checkoutOf(b!.url, cartId, i).catch(() => null);
          const busy = !r || r.status >= 500 || r.body?.code === 'platform.idempotency_in_progress';
          if (!busy) return { ...r, after: Date.now() - restarted };
          if (Date.now() - restarted > 40_000) throw new Error(`cart ${i} still unsettled: ${JSON.stringify(r)}`);
          await sleep(250);
        }
      }),
    );
    const settledMs = Math.max(...final.map((r) => r.after));
    const placed = final.filter((r) => r.status === 201 || r.status === 200);
    const refused = final.filter((r) => r.status === 409 && r.body.code === 'cart.unavailable');
    expect(placed.length + refused.length, JSON.stringify(final.filter((r) => !placed.includes(r)))).toBe(CARTS);
    expect(new Set(placed.map((r) => r.body.id)).size).toBe(placed.length); // one order per cart
    expect(settledMs).toBeLessThan(20_000); // within seconds of the restart (the dead keys' lease is 10 s)
    // Each answer before the kill is the one replayed after it.
    for (const [i, r] of before.entries()) if (r && r.status < 500) expect(final[i]!.status).toBe(r.status);

    // The sweep (every 2 s) undoes the dead attempts of carts that were not retried into an order themselves.
    let figures: Figures | undefined;
    if (opts.read) {
      figures = await opts.read();
      for (const until = Date.now() + 15_000; figures.openAttempts > 0 && Date.now() < until;) {
        await sleep(500);
        figures = await opts.read();
      }
      expectSettled(figures, placed.length);
    } else await sleep(5000); // two sweeps' time
    return { lost, placed: placed.length, refused: refused.length, settledMs, voided: figures?.voidedAttempts };
  } finally {
    if (a && a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await b?.stop();
  }
}

function expectSettled(figures: Figures, placed: number) {
  expect(figures).toMatchObject({
    openAttempts: 0,
    strandedHolds: 0,
    strandedCharges: 0,
    voidedOrders: 0,
    orders: placed,
    reserved: placed, // one unit per order, nothing else held
  });
}

async function readWith(run: (statement: string) => Promise<Array<{ n: number }>>): Promise<Figures> {
  const out: Partial<Figures> = {};
  for (const [name, statement] of Object.entries(CHECKS)) out[name as keyof Figures] = (await run(statement))[0]!.n;
  return out as Figures;
}

describe('checkout: the server killed during 50 card checkouts', () => {
  it.skipIf(!serverUrl)(
    'Postgres server, a second copy alongside: every cart one order or a refusal, no hold or authorisation stranded',
    async () => {
      const db = await createTempDatabase(serverUrl!);
      const client = new pg.Client({ connectionString: db.url });
      try {
        let stranded = 0;
        let connected = false;
        const openAttempts = async () => {
          if (!connected) {
            await client.connect();
            connected = true;
          }
          return (await client.query<{ n: number }>(CHECKS.openAttempts)).rows[0]!.n;
        };
        const outcome = await crashDuringCheckouts(
          { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '8' },
          {
            second: 'alongside',
            // The kill must find attempts open in the database. At 250 ms a loaded CI machine once killed
            // between the poll that saw the last open attempt and its end; at 1.5 s the poll's few
            // milliseconds cannot close that many.
            cardLatencyMs: 1500,
            read: () => readWith(async (s) => (await client.query<{ n: number }>(s)).rows),
            // On a loaded machine the 8th answer can come while no checkout is waiting on the acquirer.
            killWhen: async () => (await openAttempts()) >= 3,
            afterKill: async () => {
              stranded = await openAttempts();
            },
          },
        );
        expect(stranded).toBeGreaterThan(0); // the kill left attempts behind for the sweep
        console.info('checkout crash (postgres):', { ...outcome, strandedAtKill: stranded });
      } finally {
        await client.end().catch(() => {});
        await db.drop();
      }
    },
    120_000,
  );

  it('embedded database: the same, on the restarted process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-checkout-crash-'));
    try {
      const outcome = await crashDuringCheckouts({ DATA_DIR: dir }, { second: 'after' });
      // The data dir is the server's alone while it runs: the figures are read once it has stopped.
      const database = await openDatabase({ dataDir: dir });
      let figures: Figures;
      try {
        figures = await readWith(async (s) => (await database.pglite!.query<{ n: number }>(s)).rows);
      } finally {
        await database.close();
      }
      expectSettled(figures, outcome.placed);
      console.info('checkout crash (pglite):', { ...outcome, voided: figures.voidedAttempts });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
