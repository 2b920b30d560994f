import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/connection.ts';
import { startJobs } from '../jobs.ts';
import { enqueue } from '../outbox.ts';
import { buildServer, type Server } from '../../server.ts';
import { BOOTSTRAP, databaseTargets } from '../../test/harness.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child: () => silent,
  level: 'silent',
} as never;

/** A server on `database` with extra environment (METRICS_*); jobs off, like the harness. */
function serverOn(database: Database, env: Record<string, string> = {}): Promise<Server> {
  const { METRICS_TOKEN: _token, METRICS_PORT: _port, ...inherited } = process.env;
  const config = loadConfig({
    ...inherited,
    MUSUBI_BOOTSTRAP_TOKEN: BOOTSTRAP,
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory',
    MUSUBI_SECRET: 'test-secret-0123456789abcdef',
    HOST: '127.0.0.1',
    ...env,
  });
  return buildServer(config, { database, logger: false, jobs: false });
}

/** Parse one sample's value out of Prometheus text: the line starting with `name{labels}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const target of databaseTargets) {
  describe(`operator endpoints [${target.name}]`, () => {
    let database: Database;
    let dispose: () => Promise<void>;
    let server: Server;

    beforeAll(async () => {
      ({ database, dispose } = await target.open());
      server = await serverOn(database, { METRICS_TOKEN });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await dispose?.();
    });

    const get = (url: string, headers: Record<string, string> = {}) =>
      server.app.inject({ method: 'GET', url, headers });

    it('says it is alive without asking the database, and ready once built and migrated', async () => {
      const live = await get('/livez');
      expect(live.statusCode).toBe(200);
      expect(live.json()).toEqual({ status: 'ok' });
      const ready = await get('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', draining: false } });
      expect((await get('/health')).json()).toMatchObject({ status: 'ok', database: target.name });
    });

    it('stops being ready when shutdown begins, while still alive', async () => {
      server.lifecycle.draining = true;
      try {
        const res = await get('/readyz', { 'accept-language': 'en' });
        expect(res.statusCode).toBe(503);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'platform.not_ready', status: 503, checks: { draining: true } });
        expect(res.json().detail).toContain('draining');
        expect((await get('/livez')).statusCode).toBe(200);
      } finally {
        server.lifecycle.draining = false;
      }
    });

    it('is not ready on a database that has not been migrated', async () => {
      // A fresh database without drizzle's bookkeeping: nothing applied (the PGlite template comes migrated).
      const other = await target.open();
      try {
        await other.database.db.execute(sql`DROP SCHEMA IF EXISTS drizzle CASCADE`);
        const { databaseCheck } = await import('./probes.ts');
        expect(await databaseCheck(other.database)()).toEqual({ database: 'ok', migrations: 'pending' });
      } finally {
        await other.dispose();
      }
    });

    it('answers /health and /readyz within 2 s while the database hangs, and recovers after', async () => {
      const release = await hangDatabase(database);
      try {
        const started = performance.now();
        const [health, ready] = await Promise.all([get('/health'), get('/readyz')]);
        const seconds = (performance.now() - started) / 1000;
        expect(health.statusCode).toBe(503);
        expect(health.json().code).toBe('platform.unavailable');
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toMatchObject({ code: 'platform.not_ready', checks: { database: 'timeout' } });
        // The probe's own timer is 2 s; the margin is for a loaded machine, the point is that it answers.
        expect(seconds).toBeGreaterThanOrEqual(1.9);
        expect(seconds).toBeLessThan(6);
      } finally {
        await release();
      }
      expect((await get('/health')).statusCode).toBe(200);
      expect((await get('/readyz')).statusCode).toBe(200);
    }, 30_000);

    it('serves Prometheus metrics only with the token', async () => {
      expect((await get('/metrics')).statusCode).toBe(401);
      expect((await get('/metrics', { authorization: 'Bearer wrong-token-0123456789' })).statusCode).toBe(401);
      // A staff token is not the metrics token.
      expect((await get('/metrics', { authorization: `Bearer ${BOOTSTRAP}` })).statusCode).toBe(401);
      const res = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
      expect(res.body).toContain('nodejs_eventloop_lag_seconds');
      expect(res.body).toContain('process_cpu_seconds_total');
    });

    it('counts requests by route pattern and status, never by raw URL', async () => {
      await get('/api/products/var_NOSUCHPRODUCT01', { authorization: `Bearer ${BOOTSTRAP}` });
      await get('/api/products/var_NOSUCHPRODUCT02', { authorization: `Bearer ${BOOTSTRAP}` });
      await get('/no/such/page.php');
      const text = (await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).body;
      expect(sample(text, 'musubi_http_requests_total{method="GET",route="/api/products/:id",status_code="404"}')).toBe(
        2,
      );
      expect(
        sample(
          text,
          'musubi_http_request_duration_seconds_count{method="GET",route="/api/products/:id",status_code="404"}',
        ),
      ).toBe(2);
      expect(text).toContain(
        'musubi_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/products/:id",status_code="404"}',
      );
      expect(
        sample(text, 'musubi_http_requests_total{method="GET",route="unmatched",status_code="404"}'),
      ).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain('NOSUCHPRODUCT');
      expect(text).not.toContain('page.php');
    });

    it('reports the pool, the delivery backlog and the SSE clients', async () => {
      await database.db.transaction(async (tx) => {
        await enqueue(tx, { channel: 'email', recipient: 'ops@example.jp', template: 'ops.test', payload: {} });
        await tx.execute(sql`UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE template = 'ops.test'`);
        await enqueue(tx, { channel: 'email', recipient: 'dead@example.jp', template: 'ops.dead', payload: {} });
        await tx.execute(sql`UPDATE outbox SET attempts = 8, dead_at = now() WHERE template = 'ops.dead'`);
      });
      const app = server.app;
      if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const ctrl = new AbortController();
      const stream = await fetch(`http://127.0.0.1:${port}/api/stream`, { signal: ctrl.signal });
      try {
        const reader = stream.body!.getReader();
        await reader.read(); // ": connected" — the stream is subscribed
        const text = (await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).body;
        expect(sample(text, 'musubi_sse_clients')).toBe(1);
        expect(sample(text, 'musubi_delivery_pending{channel="email"}')).toBe(1);
        expect(sample(text, 'musubi_delivery_oldest_pending_seconds{channel="email"}')).toBeGreaterThanOrEqual(90);
        expect(sample(text, 'musubi_delivery_dead{channel="email"}')).toBe(1);
        expect(sample(text, 'musubi_delivery_pending{channel="webhook"}')).toBe(0); // every channel has a series
        const max = sample(text, 'musubi_db_pool_max_connections');
        const open = sample(text, 'musubi_db_pool_connections');
        if (target.name === 'pglite') {
          expect(max).toBe(1);
          expect(open).toBe(1);
          expect(text).not.toContain('musubi_db_pool_waiting_requests ');
        } else {
          expect(max).toBe(12);
          expect(open).toBeGreaterThanOrEqual(1);
          expect(sample(text, 'musubi_db_pool_idle_connections')).toBeLessThanOrEqual(open!);
          expect(sample(text, 'musubi_db_pool_waiting_requests')).toBe(0);
        }
      } finally {
        ctrl.abort();
        await database.db.execute(sql`DELETE FROM outbox WHERE template IN ('ops.test', 'ops.dead')`);
      }
    });

    it('records each job’s last success and its failures', async () => {
      let fail = true;
      const stop = startJobs(
        [
          { name: 'ops.ok', everyMs: 20, run: async () => {} },
          {
            name: 'ops.flaky',
            everyMs: 20,
            run: async () => {
              if (fail) throw new Error('boom');
            },
          },
        ],
        silent,
        server.metrics.jobs,
      );
      const before = Date.now() / 1000;
      const scrape = async () => (await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).body;
      try {
        await until(async () => (sample(await scrape(), 'musubi_job_failures_total{name="ops.flaky"}') ?? 0) >= 2);
        let text = await scrape();
        expect(sample(text, 'musubi_job_last_success_timestamp_seconds{name="ops.ok"}')).toBeGreaterThanOrEqual(
          Math.floor(before),
        );
        expect(sample(text, 'musubi_job_last_success_timestamp_seconds{name="ops.flaky"}')).toBeUndefined();
        expect(sample(text, 'musubi_job_interval_seconds{name="ops.ok"}')).toBe(0.02);
        fail = false;
        await until(
          async () =>
            sample(await scrape(), 'musubi_job_last_success_timestamp_seconds{name="ops.flaky"}') !== undefined,
        );
        text = await scrape();
        expect(sample(text, 'musubi_job_failures_total{name="ops.ok"}')).toBe(0);
        expect(
          sample(text, 'musubi_job_duration_seconds_count{name="ops.flaky",outcome="error"}'),
        ).toBeGreaterThanOrEqual(2);
      } finally {
        await stop();
      }
    });
  });
}

describe('where /metrics is served', () => {
  const target = databaseTargets[0]!;
  let database: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ database, dispose } = await target.open());
  }, 60_000);
  afterAll(async () => dispose?.());

  it('is off by default: /metrics is a 404 problem like any unknown path', async () => {
    const server = await serverOn(database);
    try {
      const res = await server.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(server.metricsListener).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('with METRICS_PORT, serves it on its own port only (and asks for the token when one is set)', async () => {
    const open = await serverOn(database, { METRICS_PORT: '0' });
    const guarded = await serverOn(database, { METRICS_PORT: '0', METRICS_TOKEN });
    try {
      const url = open.metricsListener!.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      await open.app.inject({ method: 'GET', url: '/livez' });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(sample(text, 'musubi_http_requests_total{method="GET",route="/livez",status_code="200"}')).toBe(1);
      expect((await fetch(url.replace('/metrics', '/health'))).status).toBe(404);
      expect((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);

      const guardedUrl = guarded.metricsListener!.url;
      expect((await fetch(guardedUrl)).status).toBe(401);
      expect((await fetch(guardedUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await open.close();
      await guarded.close();
    }
    await expect(fetch(open.metricsListener!.url)).rejects.toThrow();
  });
});

/**
 * Make the database stop answering this app: on PGlite a transaction that does not end (its one
 * connection is taken); on the server every pooled connection checked out and held.
 */
async function hangDatabase(database: Database): Promise<() => Promise<void>> {
  if (database.pool) {
    const pool = database.pool;
    const clients = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => pool.connect()));
    return async () => clients.forEach((c) => c.release());
  }
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let begun!: () => void;
  const inside = new Promise<void>((r) => (begun = r));
  const tx = database.db.transaction(async (t) => {
    await t.execute(sql`SELECT 1`);
    begun();
    await held;
  });
  await inside;
  return async () => {
    release();
    await tx;
  };
}

async function until(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a drain with SHUTDOWN_DELAY_MS', () => {
  it('says 503 on /readyz at once, keeps serving through the delay, then closes', async () => {
    const { database, dispose } = await databaseTargets[0]!.open();
    try {
      const server = await serverOn(database, { SHUTDOWN_DELAY_MS: '800' });
      await server.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const started = Date.now();
      const closed = server.close();
      await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${base}/readyz`)).status).toBe(503); // the balancer is told
      expect((await fetch(`${base}/api/locations`)).status).toBe(200); // and requests are still served
      await closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(800);
      await expect(fetch(`${base}/livez`)).rejects.toThrow(); // then the listener is gone
    } finally {
      await dispose();
    }
  });
});
