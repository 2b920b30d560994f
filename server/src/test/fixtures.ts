import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../platform/db/connection.ts';
import { loadConfig } from '../platform/config.ts';
import { buildServer } from '../server.ts';
import { locations } from '../modules/locations/schema.ts';
import { makeJan } from '../modules/catalog/jan.ts';
import { TEST_CARDS } from '../modules/payments/service.ts';
import { migrate, readMigrations } from '../platform/db/migrate.ts';
import { tableChanged } from '../platform/db/table-cache.ts';

/**
 * Upgrade fixtures: a release's data, as plain INSERTs, in `server/drizzle/fixtures/<last migration>.sql`.
 * The upgrade test migrates a database up to that migration, loads the file, applies every later
 * migration and checks the rows. Make one at each release with `npm run db:fixture -w server`; keep the
 * old ones, so each new migration is tried against the data of every release since.
 */
export const fixturesFolder = fileURLToPath(new URL('../../drizzle/fixtures', import.meta.url));

/** The fixtures, oldest first: `{ tag, file }` where tag is the migration the data was written at. */
export function listFixtures(): Array<{ tag: string; file: string }> {
  return readdirSync(fixturesFolder)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({ tag: f.replace(/\.sql$/, ''), file: join(fixturesFolder, f) }));
}

const BOOTSTRAP = 'fixture-bootstrap-token-0123456789';

/** A small shop's life through the API: stores, goods, a member, a till sale, a web pickup paid by card and points, a return elsewhere. */
async function writeShopHistory(database: Database) {
  const config = loadConfig({
    ...process.env,
    MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory',
    MUSUBI_SECRET: 'fixture-secret-0123456789abcdef',
  });
  const server = await buildServer(config, { database, logger: false, jobs: false });
  const call = async (method: string, url: string, body?: unknown, token: string | null = BOOTSTRAP) => {
    const res = await server.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const store = async (code: string, name: string) => {
    const id = `loc_fixture${code}`;
    await database.db.insert(locations).values({
      id,
      code,
      name,
      kind: 'store',
      prefecture: '東京都',
      city: '渋谷区',
      address: '神南1-1-1',
      lat: 35.66,
      lng: 139.7,
      openingHours: {
        mon: { open: '10:00', close: '21:00' },
        tue: null,
        wed: null,
        thu: null,
        fri: null,
        sat: null,
        sun: null,
      },
      services: { pickup: true, orderAhead: false, deliveryRadiusKm: null, shipping: false },
    });
    tableChanged(database.db, 'locations'); // kept in memory by the server: read again
    return id;
  };
  try {
    const shibuya = await store('F01', '結び 渋谷店');
    const ginza = await store('F02', '結び 銀座店');
    const shirt = await call('POST', '/api/products', {
      name: 'リネンシャツ',
      nameKana: 'りねんしゃつ',
      taxRate: 10,
      variants: [
        { sku: 'FX-SHIRT-M', jan: makeJan('490000000001'), price: 1100 },
        { sku: 'FX-SHIRT-L', jan: makeJan('490000000002'), price: 1100 },
      ],
    });
    const tea = await call('POST', '/api/products', {
      name: '緑茶',
      nameKana: 'りょくちゃ',
      taxRate: 8,
      variants: [{ sku: 'FX-TEA', jan: makeJan('490000000003'), price: 540 }],
    });
    for (const variant of [...shirt.variants, ...tea.variants])
      await call('POST', '/api/stock-movements', {
        variantId: variant.id,
        locationId: shibuya,
        kind: 'receipt',
        quantity: 10,
      });
    await call('POST', '/api/staff', {
      email: 'clerk@fixture.example.jp',
      name: '店員',
      password: 'clerk-password-1',
      role: 'staff',
      locationIds: [shibuya],
    });
    const { token, customer } = await call(
      'POST',
      '/api/customer-auth/register',
      {
        email: 'hanako@fixture.example.jp',
        password: 'sakura-password-2026',
        name: '山田 花子',
        nameKana: 'やまだ はなこ',
      },
      null,
    );
    await call('POST', '/api/loyalty/transactions', {
      customerId: customer.id,
      kind: 'earn',
      points: 300,
      reference: 'welcome',
    });
    await call('POST', '/api/pos/sales', {
      locationId: shibuya,
      lines: [{ jan: tea.variants[0].jan, quantity: 2 }],
      memberNumber: customer.memberNumber,
      payments: [{ method: 'cash', amount: 1080, tendered: 2000 }],
      clientTransactionId: 'fixture-till-1',
    });
    const cart = await call('POST', '/api/carts', {}, token);
    await call('POST', `/api/carts/${cart.id}/lines`, { variantId: shirt.variants[0].id, quantity: 2 }, token);
    await call('PUT', `/api/carts/${cart.id}/fulfilment`, { type: 'pickup', locationId: shibuya }, token);
    const order = await call(
      'POST',
      `/api/carts/${cart.id}/checkout`,
      { usePoints: 200, payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
      token,
    );
    for (const status of ['ready', 'picked_up'])
      await call('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, { status });
    await call('POST', `/api/orders/${order.id}/returns`, {
      lines: [{ orderLineId: order.lines[0].id, quantity: 1 }],
      locationId: ginza,
      reason: 'サイズ違い',
    });
    await call('POST', '/api/webhooks', {
      url: 'https://partner.example.jp/hooks',
      events: ['order.*'],
      secret: 'fixture-webhook-secret-01',
      signature: 'legacy', // a receiver from before Standard Webhooks
    });
    const cartLater = await call('POST', '/api/carts', {}, token); // a cart left open, holding stock
    await call('POST', `/api/carts/${cartLater.id}/lines`, { variantId: shirt.variants[1].id, quantity: 1 }, token);
    return await dumpData(database.pglite!);
  } finally {
    await server.close();
  }
}

/**
 * Every row of the public schema as INSERTs, parents before children (foreign keys), and the sequences'
 * positions. Values are written as Postgres prints them (`col::text`), which it reads back exactly.
 */
export async function dumpData(pglite: PGlite): Promise<string> {
  const q = async <T>(statement: string) => (await pglite.query<T>(statement)).rows;
  const tables = (
    await q<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  ).map((r) => r.t);
  const edges = await q<{ child: string; parent: string }>(`
    SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
      FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.conrelid <> c.confrelid`);
  const ordered: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t)) return;
    path.add(t);
    for (const e of edges.filter((e) => e.child === t)) visit(e.parent, path);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  const lines = [
    '-- Generated by `npm run db:fixture -w server` (server/src/test/fixtures.ts): data only.',
    'SET client_min_messages = warning;',
  ];
  for (const table of ordered) {
    const columns = (
      await q<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      )
    ).map((r) => r.c);
    const values = columns.map((c) => `quote_nullable("${c}"::text)`).join(` || ', ' || `);
    const rows = await q<{ v: string }>(`SELECT ${values} AS v FROM "${table}" ORDER BY 1`);
    if (rows.length === 0) continue;
    lines.push('', `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES`);
    lines.push(rows.map((r) => `  (${r.v})`).join(',\n') + ';');
  }
  const sequences = await q<{ name: string; last: string | null; called: boolean }>(
    "SELECT sequencename AS name, last_value::text AS last, last_value IS NOT NULL AS called FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
  );
  lines.push('');
  for (const s of sequences.filter((s) => s.called)) lines.push(`SELECT setval('"${s.name}"', ${s.last}, true);`);
  return `${lines.join('\n')}\n`;
}

/** `npm run db:fixture -w server`: write the fixture for the newest migration from a fresh, migrated database. */
async function main() {
  const database = await openDatabase({ dataDir: 'memory' });
  try {
    await migrate(database);
    const file = join(fixturesFolder, `${readMigrations().at(-1)!.tag}.sql`);
    writeFileSync(file, await writeShopHistory(database));
    console.log(`wrote ${file}`);
  } finally {
    await database.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
