import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTempDatabase } from '../../test/harness.ts';
import { loadConfig } from '../config.ts';
import { buildServer } from '../../server.ts';
import { countRows } from '../backup/backup.ts';
import { openDatabase, type Database } from './connection.ts';
import { listFixtures } from '../../test/fixtures.ts';
import { migrate, readMigrations } from './migrate.ts';

/**
 * Every migration must apply on a database that holds a previous release's data. Each fixture in
 * server/drizzle/fixtures/ is that data, written at the migration it is named after: the database is
 * migrated up to there, the rows are loaded, every later migration runs (a new one is picked up here
 * without touching this file), and the rows must all still be there, consistent, and usable by the app.
 */
const BOOTSTRAP = 'upgrade-test-bootstrap-token-0123';

interface Target {
  name: 'pglite' | 'postgres';
  open(): Promise<{
    database: Database;
    run(statement: string): Promise<Array<Record<string, unknown>>>;
    load(script: string): Promise<void>;
    dispose(): Promise<void>;
  }>;
}

const targets: Target[] = [
  {
    name: 'pglite',
    open: async () => {
      const database = await openDatabase({ dataDir: 'memory' }); // from initdb: the test template is already at the newest schema
      const pglite = database.pglite!;
      return {
        database,
        run: async (statement) => (await pglite.query<Record<string, unknown>>(statement)).rows,
        load: async (script) => void (await pglite.exec(script)),
        dispose: () => database.close(),
      };
    },
  },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          name: 'postgres' as const,
          open: async () => {
            const temp = await createTempDatabase(process.env.TEST_DATABASE_URL!);
            const database = await openDatabase({ databaseUrl: temp.url, poolSize: 4 });
            const pool = database.pool!;
            return {
              database,
              run: async (statement: string) => (await pool.query(statement)).rows as Array<Record<string, unknown>>,
              load: async (script: string) => void (await pool.query(script)),
              dispose: async () => {
                await database.close();
                await temp.drop();
              },
            };
          },
        },
      ]
    : []),
];

async function invariants(run: (statement: string) => Promise<Array<Record<string, unknown>>>) {
  const [row] = await run(`
    SELECT (SELECT count(*)::int FROM stock_levels l
             WHERE l.on_hand <> coalesce((SELECT sum(m.quantity) FROM stock_movements m WHERE m.variant_id = l.variant_id AND m.location_id = l.location_id), 0)) AS stock_wrong,
           (SELECT count(*)::int FROM customers c
             WHERE coalesce((SELECT sum(points) FROM point_entries e WHERE e.customer_id = c.id), 0)
                <> coalesce((SELECT sum(remaining) FROM point_lots l WHERE l.customer_id = c.id), 0)) AS points_wrong,
           (SELECT count(*)::int FROM orders o
             WHERE o.total <> (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.order_id = o.id)) AS unpaid_orders`);
  return row;
}

/** Tables a later migration drops on purpose, and where their rows went. */
const RETIRED: Record<string, string> = {
  webhook_deliveries: "0011_delivery: each delivery's state moved onto its outbox row",
  login_failures:
    '0015_login_attempts: counters (login_attempts) replace the failure log; a 15-minute window is all it held',
};

/** 0011: each handed-over webhook keeps its delivery's state on its outbox row; the old job's give-ups are dead letters. */
async function webhooksCarriedOver(run: (statement: string) => Promise<Array<Record<string, unknown>>>) {
  const rows =
    await run(`SELECT id::int AS id, channel, attempts, sent_at IS NOT NULL AS sent, dead_at IS NOT NULL AS dead, last_status, last_error,
                                 next_attempt_at > now() + interval '1 year' AS later
                            FROM outbox WHERE id BETWEEN 3 AND 6 ORDER BY id`);
  expect(rows).toEqual([
    {
      id: 3,
      channel: 'webhook',
      attempts: 1,
      sent: true,
      dead: false,
      last_status: 204,
      last_error: null,
      later: false,
    },
    {
      id: 4,
      channel: 'webhook',
      attempts: 8,
      sent: false,
      dead: true,
      last_status: 500,
      last_error: 'HTTP 500',
      later: false,
    },
    {
      id: 5,
      channel: 'webhook',
      attempts: 2,
      sent: false,
      dead: false,
      last_status: 503,
      last_error: 'HTTP 503',
      later: true,
    },
    {
      id: 6,
      channel: 'email',
      attempts: 10,
      sent: false,
      dead: true,
      last_status: null,
      last_error: 'SMTP: 421 try later',
      later: false,
    },
  ]);
}

describe('upgrade fixtures', () => {
  it('exist for a migration in the journal', () => {
    const tags = readMigrations().map((m) => m.tag);
    expect(listFixtures().length).toBeGreaterThan(0);
    for (const f of listFixtures()) expect(tags, `${f.tag}.sql names no migration`).toContain(f.tag);
  });
});

for (const target of targets) {
  for (const fixture of listFixtures()) {
    describe(`upgrading a database that holds ${fixture.tag}'s data [${target.name}]`, () => {
      it(
        'applies every later migration, keeps every row and every ledger consistent, and the app reads and writes on it',
        { timeout: 180_000 },
        async () => {
          const opened = await target.open();
          try {
            await migrate(opened.database, { upTo: fixture.tag });
            await opened.load(readFileSync(fixture.file, 'utf8'));
            const before = await countRows(opened.run as never);
            expect(Object.values(before).reduce((a, b) => a + b, 0)).toBeGreaterThan(50);
            expect(await invariants(opened.run)).toEqual({ stock_wrong: 0, points_wrong: 0, unpaid_orders: 0 });

            const later = readMigrations()
              .map((m) => m.tag)
              .filter((t) => t > fixture.tag);
            expect(await migrate(opened.database)).toEqual(later);

            const after = await countRows(opened.run as never);
            for (const [table, n] of Object.entries(before)) {
              if (table in RETIRED && !(table in after)) continue; // dropped on purpose; its rows checked below
              expect(after[table], `rows of ${table}`).toBe(n);
            }
            if ('webhook_deliveries' in before && !('webhook_deliveries' in after))
              await webhooksCarriedOver(opened.run);
            expect(await invariants(opened.run)).toEqual({ stock_wrong: 0, points_wrong: 0, unpaid_orders: 0 });
            // 0061: webhook endpoints from before Standard Webhooks keep signing the way their receivers verify.
            if ((before.webhook_endpoints ?? 0) > 0)
              expect(await opened.run('SELECT DISTINCT signature FROM webhook_endpoints')).toEqual([
                { signature: 'legacy' },
              ]);

            // The new release serves the old rows and adds to them (sequences carried over, no clash).
            const config = loadConfig({
              ...process.env,
              MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
              LOG_LEVEL: 'silent',
              DATA_DIR: 'memory',
              MUSUBI_SECRET: 'upgrade-test-secret-0123456789ab',
            });
            const server = await buildServer(config, { database: opened.database, logger: false, jobs: false });
            try {
              const call = (method: string, url: string, body?: unknown) =>
                server.app.inject({
                  method: method as 'GET',
                  url,
                  headers: {
                    authorization: `Bearer ${BOOTSTRAP}`,
                    ...(body ? { 'content-type': 'application/json' } : {}),
                  },
                  ...(body ? { payload: JSON.stringify(body) } : {}),
                });
              const orders = await call('GET', '/api/orders?limit=200');
              expect(orders.statusCode, orders.body).toBe(200);
              expect(orders.json().items.length).toBe(before.orders);
              for (const o of orders.json().items as Array<{ id: string }>)
                expect((await call('GET', `/api/orders/${o.id}`)).statusCode).toBe(200);
              const [item] = await opened.run(
                "SELECT l.id AS location_id, v.jan, v.price FROM locations l, variants v WHERE l.kind = 'store' ORDER BY l.id, v.id LIMIT 1",
              );
              const paid = await call('POST', '/api/pos/sales', {
                locationId: item!.location_id,
                lines: [{ jan: item!.jan, quantity: 1 }],
                payments: [{ method: 'cash', amount: item!.price, tendered: item!.price }],
                clientTransactionId: `upgrade-${fixture.tag}`,
              });
              expect(paid.statusCode, paid.body).toBe(201);
              expect(Number((await countRows(opened.run as never)).orders)).toBe(before.orders! + 1);
            } finally {
              await server.close();
            }
          } finally {
            await opened.dispose();
          }
        },
      );
    });
  }
}
