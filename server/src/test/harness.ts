import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../platform/config.ts';
import { testResolve } from './hosts.ts';

export { testHosts, testResolve } from './hosts.ts';
import { openDatabase, type Database } from '../platform/db/connection.ts';
import { buildServer, type Server } from '../server.ts';
import { newId } from '../platform/ids.ts';
import { deliverOutbox } from '../platform/dispatcher.ts';
import { makeJan } from '../modules/catalog/jan.ts';
import { tableChanged } from '../platform/db/table-cache.ts';

export const BOOTSTRAP = 'test-bootstrap-token-0123456789';

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  open(): Promise<{ database: Database; dispose(): Promise<void> }>;
}

const serverUrl = process.env.TEST_DATABASE_URL;

/** A fresh database per test file: PGlite from the migrated template, or a new database on the server. */
export const databaseTargets: DatabaseTarget[] = [
  {
    name: 'pglite',
    open: async () => {
      const template = process.env.MUSUBI_TEST_PGLITE_TEMPLATE;
      const loadDataDir = template ? new Blob([readFileSync(template)]) : undefined;
      const database = await openDatabase({ dataDir: 'memory', ...(loadDataDir ? { loadDataDir } : {}) });
      return { database, dispose: () => database.close() };
    },
  },
  ...(serverUrl
    ? [
        {
          name: 'postgres' as const,
          open: async () => {
            const url = await createTempDatabase(serverUrl);
            const database = await openDatabase({ databaseUrl: url.url, poolSize: 12 });
            return {
              database,
              dispose: async () => {
                await database.close();
                await url.drop();
              },
            };
          },
        },
      ]
    : []),
];

/** CREATE DATABASE musubi_test_… on the server; drop() removes it. */
export async function createTempDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `musubi_test_${newId('x').slice(2).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The configuration every test server starts with (an in-memory DATA_DIR, silent logs), plus `env`. */
export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    ...process.env,
    MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory',
    MUSUBI_SECRET: 'test-secret-0123456789abcdef',
    ...env,
  });
}

export interface TestApp {
  target: DatabaseTarget['name'];
  server: Server;
  /** Call the API in-process (real handlers, real database, concurrent when awaited together). */
  api(
    method: string,
    url: string,
    opts?: { body?: unknown; token?: string | null; headers?: Record<string, string>; remoteAddress?: string },
  ): Promise<LightMyRequestResponse>;
}

/**
 * Run a suite once per database target (PGlite always; the Postgres server when TEST_DATABASE_URL is
 * set). `ctx()` gives the running app inside tests; `env` adds settings for this suite's server.
 */
export function describeEachDatabase(
  title: string,
  suite: (ctx: () => TestApp) => void,
  opts: { env?: Record<string, string>; only?: DatabaseTarget['name'] } = {},
) {
  // `only`: a suite meant for one database (e.g. a chain-sized file on the server; none without TEST_DATABASE_URL).
  for (const target of databaseTargets.filter((t) => !opts.only || t.name === opts.only)) {
    describe(`${title} [${target.name}]`, () => {
      let current: TestApp | undefined;
      let dispose: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        const opened = await target.open();
        dispose = opened.dispose;
        const config = testConfig({
          // The tests' webhook receivers listen on loopback, refused unless allowed (platform/egress.ts).
          WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
          ...opts.env,
        });
        const server = await buildServer(config, {
          database: opened.database,
          logger: false,
          jobs: false,
          strictAnswers: true,
          resolveHost: testResolve,
        });
        current = {
          target: target.name,
          server,
          api: (method, url, opts = {}) =>
            server.app.inject({
              method: method as 'GET',
              url,
              headers: {
                ...(opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? BOOTSTRAP}` }),
                ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
                ...opts.headers,
              },
              ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
              ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
            }),
        };
      }, 60_000);
      afterAll(async () => {
        await current?.server.close();
        await dispose?.();
      });
      suite(() => {
        if (!current) throw new Error('test app not started');
        return current;
      });
    });
  }
}

let janCounter = 0;
/** A unique valid JAN-13 for test data. */
export function testJan(): string {
  janCounter++;
  const body = `29${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 10_000).padStart(4, '0')}${String(janCounter).padStart(3, '0')}`;
  return makeJan(body.slice(0, 12));
}

/** Create a location directly in the table (faster than POST /api/locations, which locations.test.ts covers). */
export async function createTestLocation(
  app: TestApp,
  overrides: Partial<{ name: string; lat: number; lng: number; kind: 'store' | 'warehouse' }> = {},
) {
  const { locations } = await import('../modules/locations/schema.ts');
  const id = newId('loc');
  await app.server.database.db.insert(locations).values({
    id,
    code: id.slice(-8),
    name: overrides.name ?? `テスト店 ${id.slice(-4)}`,
    kind: overrides.kind ?? 'store',
    prefecture: '東京都',
    city: '渋谷区',
    address: '神南1-1-1',
    lat: overrides.lat ?? 35.6618,
    lng: overrides.lng ?? 139.7041,
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
  tableChanged(app.server.database.db, 'locations'); // kept in memory by the server: read again
  return id;
}

/** Create a product with `n` variants through the API; returns the variant ids. */
export async function createTestProduct(
  app: TestApp,
  opts: { name?: string; nameKana?: string; variants?: number; taxRate?: 10 | 8 } = {},
) {
  const res = await app.api('POST', '/api/products', {
    body: {
      name: opts.name ?? 'テスト商品',
      nameKana: opts.nameKana ?? 'てすとしょうひん',
      taxRate: opts.taxRate ?? 10,
      variants: Array.from({ length: opts.variants ?? 1 }, (_, i) => ({
        sku: `T-${newId('s').slice(-10)}-${i}`,
        jan: testJan(),
        price: 1100,
      })),
    },
  });
  if (res.statusCode !== 201) throw new Error(`product create failed: ${res.body}`);
  const body = res.json() as { id: string; variants: Array<{ id: string; jan: string }> };
  return { productId: body.id, variantIds: body.variants.map((v) => v.id), jans: body.variants.map((v) => v.jan) };
}

/** A store with one product in stock there: the start of most order tests. */
export async function stockedStore(app: TestApp, quantity: number): Promise<{ store: string; variantId: string }> {
  const store = await createTestLocation(app);
  const {
    variantIds: [variantId],
  } = await createTestProduct(app);
  await receive(app, variantId!, store, quantity);
  return { store, variantId: variantId! };
}

/** Receive stock through the API. */
export async function receive(app: TestApp, variantId: string, locationId: string, quantity: number) {
  const res = await app.api('POST', '/api/stock-movements', {
    body: { variantId, locationId, kind: 'receipt', quantity },
  });
  if (res.statusCode !== 201) throw new Error(`receipt failed: ${res.body}`);
  return res.json();
}

let customerCounter = 0;
/** Sign a new member up through the API; returns their token and profile. */
export async function registerCustomer(
  app: TestApp,
  overrides: Partial<{
    email: string;
    password: string;
    name: string;
    nameKana: string;
    phone: string;
    birthday: string;
    deviceId: string;
  }> = {},
): Promise<{
  token: string;
  customer: { id: string; memberNumber: string; name: string; email: string; phone: string | null; tier: string };
}> {
  customerCounter++;
  const res = await app.api('POST', '/api/customer-auth/register', {
    token: null,
    body: {
      email: `member${customerCounter}.${newId('e').slice(-8)}@example.jp`,
      password: 'sakura-password-2026',
      name: '山田 花子',
      nameKana: 'やまだ はなこ',
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.body}`);
  return res.json();
}

/** The password of every staff account the tests create. */
export const STAFF_PASSWORD = 'correct horse battery';

/** A staff account (created by the owner) and its signed-in token. */
export async function newStaff(
  app: TestApp,
  role: 'owner' | 'hq' | 'store_manager' | 'staff',
  locationIds: string[],
  opts: { name?: string; email?: string } = {},
): Promise<{ email: string; token: string; id: string }> {
  const email = opts.email ?? `${role}.${newId('e').slice(-10)}@example.jp`;
  const password = STAFF_PASSWORD;
  const res = await app.api('POST', '/api/staff', {
    body: { email, name: opts.name ?? '佐藤 健太', password, role, locationIds },
  });
  if (res.statusCode !== 201) throw new Error(`staff: ${res.body}`);
  const login = await app.api('POST', '/api/auth/login', { token: null, body: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login: ${login.body}`);
  return { email, token: login.json().token as string, id: res.json().id as string };
}

/**
 * She is at the till of `locationId`: her app's member QR (fetched with her token) is resolved there by
 * the clerk (`staffToken`, default the owner), and the presence token it gives is what a sale, a hold's
 * hand-over or a wallet/points spend sends to spend her value.
 */
export async function presentAt(
  app: TestApp,
  customerToken: string,
  locationId: string,
  staffToken?: string,
): Promise<string> {
  const code = await app.api('GET', '/api/account/member-code', { token: customerToken });
  if (code.statusCode !== 200) throw new Error(`member code: ${code.body}`);
  const res = await app.api('POST', '/api/member-codes/resolve', {
    ...(staffToken ? { token: staffToken } : {}),
    body: { locationId, code: code.json().code },
  });
  if (res.statusCode !== 200 || !res.json().presence) throw new Error(`resolve: ${res.body}`);
  return res.json().presence.token;
}

/**
 * Hand the modules' events waiting in the outbox to their subscribers (inbox, e-mail and webhook rows,
 * the timeline), as the dispatcher does after commit: what a test looks for after an order changes.
 */
export async function deliverEvents(app: TestApp) {
  return deliverOutbox(app.server.database.db, { event: app.server.subscribers.channel() });
}

/**
 * A second app copy on the same Postgres database (as a chain runs several), with its own connections and
 * event hub; undefined on PGlite (one process, one copy). Close it when done.
 */
export async function secondCopy(app: TestApp): Promise<{ server: Server; close(): Promise<void> } | undefined> {
  const url = app.server.database.pool?.options.connectionString;
  if (!url) return undefined;
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  const server = await buildServer(testConfig(), { database, logger: false, jobs: false });
  return {
    server,
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}

/** Poll until `read` gives `want` (deeply equal; events arrive a moment after the commit), at most 3 s. */
export async function eventually<T>(read: () => Promise<T>, want: T): Promise<T> {
  let got = await read();
  for (let i = 0; i < 60 && JSON.stringify(got) !== JSON.stringify(want); i++) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  return got;
}
