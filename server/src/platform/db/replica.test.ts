import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { buildServer, type Server } from '../../server.ts';
import { testJan } from '../../test/harness.ts';
import { postgresBinaries, startReplicaPair, type ReplicaPair } from '../../test/replica-cluster.ts';

/**
 * Read replicas for real: a throwaway primary and a streaming replica made with pg_basebackup on free
 * loopback ports (test/replica-cluster.ts; the shared server on 5432 is not touched), the app on both.
 * Skipped only when this machine has no PostgreSQL binaries (CI has them).
 */
const binaries = postgresBinaries();
const TOKEN = 'replica-test-bootstrap-token-0001';
const MAX_LAG_MS = 3000;

describe.skipIf('missing' in binaries)(
  `read replica${'missing' in binaries ? ` (skipped: ${binaries.missing})` : ''}`,
  () => {
    let pair: ReplicaPair;
    let server: Server;
    let dataDir: string;
    let productId: string;

    const get = (url: string, staff = false) =>
      server.app.inject({ method: 'GET', url, headers: staff ? { authorization: `Bearer ${TOKEN}` } : {} });
    const status = () => server.database.replica!.status;
    const health = async () => (await get('/health')).json().readReplica as { state: string; lagMs: number | null };
    /** The product's name as a shopper reads it, and which server answered. */
    const shopperRead = async () => {
      const before = status().served;
      const res = await get(`/api/products/${productId}`);
      expect(res.statusCode, res.body).toBe(200);
      const after = status().served;
      return {
        name: res.json().name as string,
        from: after.replica > before.replica ? 'replica' : after.primary > before.primary ? 'primary' : 'none',
      };
    };

    beforeAll(async () => {
      if ('missing' in binaries) return;
      pair = await startReplicaPair(binaries.dir);
      dataDir = mkdtempSync(join(tmpdir(), 'musubi-replica-app-'));
      const config = loadConfig({
        DATABASE_URL: pair.primaryUrl,
        DATABASE_READ_URL: pair.replicaUrl,
        DATABASE_READ_MAX_LAG_MS: String(MAX_LAG_MS),
        DATABASE_READ_PROBE_MS: '100',
        DATABASE_POOL_SIZE: '4',
        DATA_DIR: dataDir,
        MUSUBI_BOOTSTRAP_TOKEN: TOKEN,
        LOG_LEVEL: 'silent',
      });
      server = await buildServer(config, { jobs: false, logger: false });
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/products',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: { name: 'レプリカ茶碗', taxRate: 10, variants: [{ sku: 'RPL-1', jan: testJan(), price: 2200 }] },
      });
      expect(created.statusCode, created.body).toBe(201);
      productId = created.json().id;
    });

    afterAll(async () => {
      await server?.close({ graceMs: 1000 });
      await pair?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const replicaLog = () => {
      try {
        return readFileSync(pair.logs.replica, 'utf8').slice(-2000);
      } catch {
        return '';
      }
    };

    it('sends a shopper’s product read to the replica (its connections show as musubi-read there)', async () => {
      await expect.poll(async () => (await health()).state, { message: replicaLog() }).toBe('replica');
      // The product created a moment ago has reached the replica (the read waits for it, never for a timeout).
      await expect.poll(async () => (await shopperRead()).from).toBe('replica');
      expect((await shopperRead()).name).toBe('レプリカ茶碗');
      // Search and the shop's listing take the same road.
      const before = status().served.replica;
      expect((await get('/api/products?q=茶碗')).statusCode).toBe(200);
      expect((await get('/api/shop/products')).statusCode).toBe(200);
      expect(status().served.replica).toBeGreaterThan(before);
      const client = new pg.Client({ connectionString: pair.replicaUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number; recovery: boolean }>(
          `SELECT count(*)::int AS n, pg_is_in_recovery() AS recovery FROM pg_stat_activity WHERE application_name = 'musubi-read'`,
        );
        expect(rows[0]).toEqual({ n: expect.any(Number), recovery: true });
        expect(rows[0]!.n).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
      const metrics = await server.metrics.registry.metrics();
      expect(metrics).toContain('musubi_db_replica_state{state="replica"} 1');
      expect(metrics).toMatch(/musubi_db_read_statements_total\{server="replica"\} [1-9]/);
    });

    it('reads a write back from the primary; a replica held past the lag bound sends reads to the primary, and back once it catches up', async () => {
      await pair.pauseReplay();
      const renamed = await server.app.inject({
        method: 'PATCH',
        url: `/api/products/${productId}`,
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: { name: 'レプリカ茶碗（新）' },
      });
      expect(renamed.statusCode, renamed.body).toBe(200);
      // Staff who just saved read the primary: the new name at once.
      const staffRead = await get(`/api/products/${productId}`, true);
      expect(staffRead.json().name).toBe('レプリカ茶碗（新）');
      // A shopper within the lag bound reads the replica, which has not replayed the change yet.
      expect(await shopperRead()).toEqual({ name: 'レプリカ茶碗', from: 'replica' });

      // Held past the bound: reads go to the primary (the new name), no error.
      await expect.poll(async () => (await health()).state, { timeout: MAX_LAG_MS + 15_000 }).toBe('lagging');
      expect((await health()).lagMs).toBeGreaterThan(MAX_LAG_MS);
      expect(await shopperRead()).toEqual({ name: 'レプリカ茶碗（新）', from: 'primary' });
      expect(await server.metrics.registry.metrics()).toContain('musubi_db_replica_state{state="lagging"} 1');

      // Replay resumed: the replica catches up and gets the reads again.
      await pair.resumeReplay();
      await expect.poll(async () => (await health()).state).toBe('replica');
      expect(await shopperRead()).toEqual({ name: 'レプリカ茶碗（新）', from: 'replica' });
    });

    it('answers every read from the primary while the replica is down, and returns to it when it is back', async () => {
      await pair.stopReplica();
      // At once, before any probe has noticed: the replica's connections are gone, the reads still answer.
      for (const url of [
        `/api/products/${productId}`,
        '/api/products?q=茶碗',
        '/api/shop/products',
        '/api/categories',
      ]) {
        const res = await get(url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
      await expect.poll(async () => (await health()).state).toBe('down');
      expect((await get('/health')).statusCode).toBe(200);
      expect(await shopperRead()).toEqual({ name: 'レプリカ茶碗（新）', from: 'primary' });
      expect(await server.metrics.registry.metrics()).toContain('musubi_db_replica_state{state="down"} 1');

      await pair.startReplica();
      await expect.poll(async () => (await health()).state, { message: replicaLog() }).toBe('replica');
      expect(await shopperRead()).toEqual({ name: 'レプリカ茶碗（新）', from: 'replica' });
    });

    it('keeps transactions on the primary even through the read handle', async () => {
      const result = await server.database.read.transaction(async (tx) => {
        const rows = (await tx.execute(sql`SELECT pg_is_in_recovery() AS recovery`)) as unknown as {
          rows: Array<{ recovery: boolean }>;
        };
        return rows.rows[0]!.recovery;
      });
      expect(result).toBe(false);
    });
  },
);
