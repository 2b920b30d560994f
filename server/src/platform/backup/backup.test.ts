import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.ts';
import { describeEachDatabase, registerCustomer } from '../../test/harness.ts';
import { startServerProcess, type RunningServer } from '../../test/processes.ts';
import { countRows, openBackup, restoreBackup } from './backup.ts';

const serverRoot = fileURLToPath(new URL('../../..', import.meta.url));
const DEMO_PASSWORD = 'musubi-demo-2026';

/** Row counts of every table and the two ledgers' invariants, read from a stopped DATA_DIR. */
async function inspect(dataDir: string) {
  const database = await openDatabase({ dataDir });
  try {
    const run = async <T>(statement: string) => (await database.pglite!.query<T>(statement)).rows;
    const counts = await countRows(run);
    // Every change of on_hand has its movement: the level equals the sum of the ledger, per variant and location.
    const [stock] = await run<{ levels: number; wrong: number }>(`
      SELECT count(*)::int AS levels,
             count(*) FILTER (WHERE l.on_hand <> coalesce(m.total, 0))::int AS wrong
        FROM stock_levels l
        LEFT JOIN (SELECT variant_id, location_id, sum(quantity) AS total FROM stock_movements GROUP BY 1, 2) m USING (variant_id, location_id)`);
    const [orphanMoves] = await run<{ n: number }>(`
      SELECT count(*)::int AS n FROM (SELECT DISTINCT variant_id, location_id FROM stock_movements) m
       WHERE NOT EXISTS (SELECT 1 FROM stock_levels l WHERE l.variant_id = m.variant_id AND l.location_id = m.location_id)`);
    // A member's points balance is the sum of their ledger, and equals what their lots still hold.
    const [points] = await run<{ members: number; wrong: number }>(`
      SELECT count(*)::int AS members, count(*) FILTER (WHERE coalesce(e.balance, 0) <> coalesce(l.held, 0))::int AS wrong
        FROM (SELECT customer_id, sum(points) AS balance FROM point_entries GROUP BY 1) e
        FULL JOIN (SELECT customer_id, sum(remaining) AS held FROM point_lots GROUP BY 1) l USING (customer_id)`);
    const [lots] = await run<{ wrong: number }>(`
      SELECT count(*)::int AS wrong FROM point_lots lot
       WHERE lot.remaining <> lot.points - coalesce((SELECT sum(a.points) FROM point_allocations a WHERE a.lot_id = lot.id), 0)`);
    // Every product picture's files are in the directory's media/ (the demo's are shared between products).
    const pictures = await run<{ base: string; widths: number[] }>('SELECT DISTINCT base, widths FROM product_images');
    const missing = pictures.filter((p) =>
      p.widths.some((w) => !existsSync(join(dataDir, 'media', 'images', `${p.base}-${w}.webp`))),
    ).length;
    return {
      counts,
      stock: { ...stock!, orphans: orphanMoves!.n },
      points: { ...points!, lotsWrong: lots!.wrong },
      pictures: { sets: pictures.length, missing },
    };
  } finally {
    await database.close();
  }
}

describe('online backup of the embedded database (a running demo server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-backup-'));
  const dataDir = join(dir, 'data');
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'backs up while sales go on, restores into a fresh directory, and the copy is whole and consistent',
    // About 7–9 minutes on a quiet CI machine (the demo's first start, its daily jobs' first runs, three
    // copies inspected); the margin is for a loaded one.
    { timeout: 1_500_000 },
    async () => {
      const metricsToken = 'backup-test-metrics-token';
      server = await startServerProcess({ MUSUBI_DEMO: '1', DATA_DIR: dataDir, METRICS_TOKEN: metricsToken }, 420_000);
      const api = async (method: string, path: string, body?: unknown, token?: string) => {
        const res = await fetch(`${server!.url}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return res;
      };
      const login = async (email: string) =>
        ((await (await api('POST', '/api/auth/login', { email, password: DEMO_PASSWORD })).json()) as { token: string })
          .token;
      const owner = await login('owner@demo.musubi.jp');
      const hq = await login('hq@demo.musubi.jp');
      const clerk = await login('shibuya@demo.musubi.jp');

      expect((await api('GET', '/api/backup')).status).toBe(401);
      expect((await api('GET', '/api/backup', undefined, hq)).status).toBe(403);

      // A member buys rice at the Shibuya till: stock moves, points are earned.
      const member = await (
        await api('POST', '/api/customer-auth/register', {
          email: `backup.${Date.now()}@example.jp`,
          password: 'sakura-password-2026',
          name: '結城 真',
          nameKana: 'ゆうき まこと',
        })
      ).json();
      const { items: stores } = await (await api('GET', '/api/locations', undefined, clerk)).json();
      const shibuya = (stores as Array<{ id: string; code: string }>).find((s) => s.code === 'S101')!.id;
      const product = await (await api('GET', '/api/products/prd_demo00008e', undefined, clerk)).json();
      const { jan, price } = product.variants[0] as { jan: string; price: number };
      let tillNumber = 0;
      const sell = async () => {
        tillNumber++;
        const res = await api(
          'POST',
          '/api/pos/sales',
          {
            locationId: shibuya,
            lines: [{ jan, quantity: 1 }],
            memberNumber: member.customer.memberNumber,
            payments: [{ method: 'cash', amount: price, tendered: price }],
            clientTransactionId: `backup-test-${tillNumber}`,
          },
          clerk,
        );
        const body = await res.json();
        expect(res.status, JSON.stringify(body)).toBe(201);
        return body.order.id as string;
      };
      const before = await sell();

      // The backup runs while the till keeps selling; every sale must still go through.
      let backupDone = false;
      const download = (async () => {
        const res = await api('GET', '/api/backup', undefined, owner);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/gzip');
        const archive = Buffer.from(await res.arrayBuffer());
        backupDone = true;
        return archive;
      })();
      // A busy till, not a flood: a sale every 100 ms or so. Back-to-back sales would share the embedded
      // database's one thread with the copy and only make the test slow on a loaded machine.
      const during: string[] = [];
      while (!backupDone) {
        during.push(await sell());
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(during.length).toBeGreaterThan(0);
      const busyArchive = await download;
      const after = await sell();
      // A sale's timeline entry and notices are written when its order.placed event is delivered, just after
      // commit: let the outbox empty before the quiet copy is taken.
      for (let i = 0; i < 100; i++) {
        const waiting = await api('GET', '/api/deliveries?status=pending&limit=1', undefined, owner);
        if ((await waiting.json()).counts.pending === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }

      // The background jobs keep tables derived from the sales (rollups, stock-outs, purchase facts): let each
      // frequent one finish a run that saw them all, and each once-a-day one its first run after start.
      await jobsCaughtUp(server.url, metricsToken, Date.now() / 1000);

      // A second backup with the shop quiet must hold exactly what the server holds when it stops.
      const quietRes = await api('GET', '/api/backup', undefined, owner);
      const quietArchive = Buffer.from(await quietRes.arrayBuffer());
      expect(await server.stop()).toBe(0);
      server = undefined;

      const { manifest } = await openBackup(busyArchive);
      expect(manifest.migrations.at(-1)).toMatch(/^\d{4}_/);

      // Restore through the command an operator types; it refuses a directory that holds anything.
      const busyFile = join(dir, 'busy.tar.gz');
      writeFileSync(busyFile, busyArchive);
      const restoreCli = (target: string) =>
        spawnSync(
          process.execPath,
          ['--import', 'tsx', 'src/platform/backup/restore-cli.ts', busyFile, '--data-dir', target],
          { cwd: serverRoot, encoding: 'utf8' },
        );
      const restored = restoreCli(join(dir, 'busy'));
      expect(restored.status, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/restored \d+ tables/);
      const again = restoreCli(join(dir, 'busy'));
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/not empty/);
      await restoreBackup(quietArchive, join(dir, 'quiet'));

      const original = await inspect(dataDir);
      const quiet = await inspect(join(dir, 'quiet'));
      const busy = await inspect(join(dir, 'busy'));
      for (const copy of [original, quiet, busy]) {
        expect(copy.stock.levels).toBeGreaterThan(1000);
        expect(copy.stock).toMatchObject({ wrong: 0, orphans: 0 });
        expect(copy.points.members).toBeGreaterThan(100);
        expect(copy.points).toMatchObject({ wrong: 0, lotsWrong: 0 });
        expect(copy.pictures.sets).toBeGreaterThan(100);
        expect(copy.pictures.missing).toBe(0);
      }
      expect(quiet.counts).toEqual(original.counts);
      // The busy copy is the server at one instant during the backup: the sale before it is in, and at most
      // the sales made while it ran (and the one after) are missing; no table holds more than the server.
      expect(Object.keys(busy.counts)).toEqual(Object.keys(original.counts));
      for (const [table, n] of Object.entries(busy.counts))
        expect(n, table).toBeLessThanOrEqual(original.counts[table]!);
      expect(original.counts.orders! - busy.counts.orders!).toBeGreaterThanOrEqual(1); // `after`
      expect(original.counts.orders! - busy.counts.orders!).toBeLessThanOrEqual(during.length + 1);
      expect(readFileSync(join(dir, 'busy', 'secret'), 'utf8')).toBe(readFileSync(join(dataDir, 'secret'), 'utf8'));

      // The restored directory runs: a server on it finds the sale made before the backup.
      server = await startServerProcess({ MUSUBI_DEMO: '0', DATA_DIR: join(dir, 'busy') }, 120_000);
      const ownerAgain = await login('owner@demo.musubi.jp');
      expect((await api('GET', `/api/orders/${before}`, undefined, ownerAgain)).status).toBe(200);
      expect((await api('GET', `/api/orders/${after}`, undefined, ownerAgain)).status).toBe(404); // made after the backup
    },
  );
});

describeEachDatabase('GET /api/backup', (ctx) => {
  it('is the owner’s alone, and on the Postgres server points to pg_dump', async () => {
    const app = ctx();
    const { token } = await registerCustomer(app);
    expect((await app.api('GET', '/api/backup', { token })).statusCode).toBe(403);
    expect((await app.api('GET', '/api/backup', { token: null })).statusCode).toBe(401);
    const res = await app.api('GET', '/api/backup', { headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(409);
    // The tests' embedded database lives in memory: there are no files to copy.
    expect(res.json()).toMatchObject({
      code: app.target === 'postgres' ? 'platform.backup_use_pg_dump' : 'platform.backup_unavailable',
    });
    if (app.target === 'postgres') expect(res.json().detail).toMatch(/pg_dump/);
  });
});

/** Waits until every job run each minute or more often has succeeded since `since`, and each daily one once. */
async function jobsCaughtUp(url: string, token: string, since: number): Promise<void> {
  const daily = [
    'analytics.omni',
    'analytics.cohorts',
    'analytics.coupons',
    'engagement.rfm_grid',
    'analytics.customer_value',
    'analytics.forecast',
  ];
  let waiting: string[] = [];
  for (let i = 0; i < 300; i++) {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const gauge = (metric: string) =>
      new Map(
        [...text.matchAll(new RegExp(`^${metric}\\{name="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => [
          m[1]!,
          Number(m[2]),
        ]),
      );
    const intervals = gauge('musubi_job_interval_seconds');
    const succeeded = gauge('musubi_job_last_success_timestamp_seconds');
    waiting = [...intervals]
      .filter(([name, every]) =>
        daily.includes(name) ? !succeeded.has(name) : every <= 60 && !((succeeded.get(name) ?? 0) > since),
      )
      .map(([name]) => name);
    if (intervals.size > 0 && waiting.length === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`background jobs still to run: ${waiting.join(', ')}`);
}
