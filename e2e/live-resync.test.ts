import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../server/src/platform/config.ts';
import { openDatabase, type Database } from '../server/src/platform/db/connection.ts';
import { buildServer } from '../server/src/server.ts';
import { createTempDatabase } from '../server/src/test/harness.ts';
import { hasChromium, launchChromium, openPhone } from './support/browser.ts';
import {
  BOOTSTRAP,
  createShirt,
  createStore,
  ensureWebBuilt,
  receive,
  webDist,
  type Musubi,
  type Product,
} from './support/musubi.ts';

const serverUrl = process.env.TEST_DATABASE_URL;

/**
 * The database drops the server's LISTEN connection while a shopper looks at a product page. A change
 * made in the gap is never announced; the server says `resync` once it hears again, and the page reads
 * its figures afresh instead of showing the old ones until someone reloads.
 */
describe.skipIf(!hasChromium || !serverUrl)(
  'a product page after the database dropped the live connection (Chromium, Postgres server)',
  () => {
    let temp: { url: string; drop(): Promise<void> };
    let database: Database;
    let musubi: Musubi;
    let browser: Browser;
    let store: string;
    let shirt: Product;

    beforeAll(async () => {
      await ensureWebBuilt();
      temp = await createTempDatabase(serverUrl!);
      database = await openDatabase({ databaseUrl: temp.url, poolSize: 4 });
      const config = loadConfig({
        ...process.env,
        DATA_DIR: 'memory',
        MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
        MUSUBI_SECRET: 'e2e-secret-0123456789abcdef',
        LOG_LEVEL: 'silent',
        WEB_DIST: webDist,
      });
      const server = await buildServer(config, { database, logger: false, jobs: false });
      await server.app.listen({ port: 0, host: '127.0.0.1' });
      const baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
      musubi = {
        server,
        baseUrl,
        api: async <T>(method: string, path: string, body?: unknown) => {
          const res = await fetch(baseUrl + path, {
            method,
            headers: {
              authorization: `Bearer ${BOOTSTRAP}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
          return (await res.json()) as T;
        },
        close: () => server.close(),
      };
      store = await createStore(musubi, { name: '結び 渋谷神南店', lat: 35.658, lng: 139.7016, city: '渋谷区' });
      shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
      await receive(musubi, shirt.variants[0]!.id, store, 10);
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await musubi?.close();
      await database?.close();
      await temp?.drop();
    });

    it('shows the stock that changed during the gap without a reload', async () => {
      const shop = await openPhone(browser);
      await shop.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
      const row = shop.locator(`tr[data-location="${store}"]`);
      await row.getByText('在庫あり (10)').waitFor();
      await shop.locator('[data-live="open"]').waitFor();

      const admin = new pg.Client({ connectionString: temp.url });
      await admin.connect();
      try {
        // A change nobody announces (as if its NOTIFY went out while the connection was down) …
        await admin.query('UPDATE stock_levels SET on_hand = on_hand + 5 WHERE variant_id = $1 AND location_id = $2', [
          shirt.variants[0]!.id,
          store,
        ]);
        await new Promise((r) => setTimeout(r, 500));
        expect(await row.textContent()).toContain('在庫あり (10)');
        // … then the database drops the LISTEN connection; the server comes back and says resync.
        const killed = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'musubi-listen' AND datname = current_database()",
        );
        expect(killed.rowCount).toBe(1);
        await row.getByText('在庫あり (15)').waitFor({ timeout: 10_000 });
        expect(musubi.server.hub.listenStatus).toEqual({ connected: true, reconnects: 1 });
      } finally {
        await admin.end();
        await shop.context().close();
      }
    });
  },
);
