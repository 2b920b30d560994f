import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/src/platform/config.ts';
import { openDatabase } from '../../server/src/platform/db/connection.ts';
import { newId } from '../../server/src/platform/ids.ts';
import { buildServer, type Server } from '../../server/src/server.ts';
import { testResolve } from '../../server/src/test/hosts.ts';
import { locations, type OpeningHours } from '../../server/src/modules/locations/schema.ts';
import { makeJan } from '../../server/src/modules/catalog/jan.ts';
import { tableChanged } from '../../server/src/platform/db/table-cache.ts';

export const BOOTSTRAP = 'e2e-bootstrap-token-0123456789';
export const webDir = fileURLToPath(new URL('../../web', import.meta.url));
export const webDist = join(webDir, 'dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Build web/dist with Vite's JS API when it is missing or older than any source file. */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(webDist, 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(webDir, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  const { build } = await import('vite');
  // Vitest runs with NODE_ENV=test, which Vite keeps: React's development build would then be bundled
  // (≈ 35 KB more gzip) and the app tested would not be the one shipped.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webDir, logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export interface Musubi {
  server: Server;
  baseUrl: string;
  /** Call the HTTP API as the bootstrap admin (or with another token). */
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  close(): Promise<void>;
}

/** startMusubi's server can also be stopped and started again. */
export interface RestartableMusubi extends Musubi {
  /** The server goes away (its port refuses connections); the database stays, as a real one would. */
  stop(): Promise<void>;
  /** A new server on the same port and database (after stop): the app restarted. */
  start(): Promise<void>;
}

/**
 * The real server, in this process, on a free port, over an in-memory PGlite, serving web/dist. `env` adds
 * settings for this server alone (a partner double's address), on top of the process's environment.
 */
export async function startMusubi(opts: { env?: Record<string, string> } = {}): Promise<RestartableMusubi> {
  const template = process.env.MUSUBI_TEST_PGLITE_TEMPLATE;
  const database = await openDatabase({
    dataDir: 'memory',
    ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
  });
  const config = loadConfig({
    ...process.env,
    // The tests' partner doubles (webhook receivers) listen on loopback, refused to webhooks unless allowed.
    WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
    ...opts.env,
    DATA_DIR: 'memory',
    MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
    MUSUBI_SECRET: 'e2e-secret-0123456789abcdef',
    LOG_LEVEL: 'silent',
    WEB_DIST: webDist,
  });
  let server = await buildServer(config, {
    database,
    logger: false,
    jobs: false,
    strictAnswers: true,
    resolveHost: testResolve,
  });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  let running = true;
  const baseUrl = `http://127.0.0.1:${port}`;

  const api = async <T>(method: string, path: string, body?: unknown, token = BOOTSTRAP): Promise<T> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  return {
    get server() {
      return server;
    },
    baseUrl,
    api,
    stop: async () => {
      if (!running) return;
      running = false;
      await server.close();
    },
    start: async () => {
      if (running) return;
      server = await buildServer(config, {
        database,
        logger: false,
        jobs: false,
        strictAnswers: true,
        resolveHost: testResolve,
      });
      await server.app.listen({ port, host: '127.0.0.1' });
      running = true;
    },
    close: async () => {
      if (running) await server.close();
      running = false;
      await database.close();
    },
  };
}

/** Open every day 00:00–23:59 (Japan time): order-ahead slots exist whenever a test runs. */
export const ALL_DAY = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { open: '00:00', close: '23:59' }]),
) as OpeningHours;

/**
 * A store, straight into the table (quicker than the API and free to set any hours). `orderAhead: true`
 * makes it a café store taking mobile orders, open all day so that slots are offered at any time.
 */
export async function createStore(
  m: Musubi,
  s: { name: string; lat: number; lng: number; city: string; orderAhead?: boolean; deliveryRadiusKm?: number },
): Promise<string> {
  const id = newId('loc');
  await m.server.database.db.insert(locations).values({
    id,
    code: id.slice(-8),
    name: s.name,
    kind: 'store',
    prefecture: '東京都',
    city: s.city,
    address: '1-1-1',
    lat: s.lat,
    lng: s.lng,
    openingHours:
      s.orderAhead || s.deliveryRadiusKm
        ? ALL_DAY
        : ({
            mon: { open: '10:00', close: '21:00' },
            tue: null,
            wed: null,
            thu: null,
            fri: null,
            sat: null,
            sun: null,
          } as OpeningHours),
    services: {
      pickup: true,
      orderAhead: !!s.orderAhead,
      deliveryRadiusKm: s.deliveryRadiusKm ?? null,
      shipping: false,
    },
  });
  tableChanged(m.server.database.db, 'locations'); // kept in memory by the server: read again
  return id;
}

let janSeq = 0;
/** A valid JAN-13 that no demo product uses (prefix 29: in-store codes). */
export function e2eJan(): string {
  janSeq++;
  return makeJan(
    `29${String(process.pid % 100_000).padStart(5, '0')}${String(Date.now() % 1000).padStart(3, '0')}${String(janSeq).padStart(2, '0')}`,
  );
}

export interface Product {
  id: string;
  name: string;
  variants: { id: string; jan: string; price: number; options: Record<string, string> }[];
}

/** A shirt in two sizes and two colours, through the API as head office would create it. */
export async function createShirt(m: Musubi, name: string): Promise<Product> {
  const variants = ['M', 'L'].flatMap((size) =>
    ['ホワイト', 'ネイビー'].map((color) => ({
      sku: `E2E-${newId('s').slice(-8)}-${size}`,
      jan: e2eJan(),
      price: size === 'M' ? 4990 : 5490,
      options: { サイズ: size, カラー: color },
    })),
  );
  return m.api<Product>('POST', '/api/products', {
    name,
    nameKana: 'むすびりねんしゃつ',
    description: '麻100%。洗うほどやわらかくなる定番の一枚。',
    taxRate: 10,
    variants,
  });
}

export async function receive(m: Musubi, variantId: string, locationId: string, quantity: number) {
  await m.api('POST', '/api/stock-movements', { variantId, locationId, kind: 'receipt', quantity });
}
