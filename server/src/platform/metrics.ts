import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from './db/connection.ts';
import type { ReplicaRouter } from './db/replica.ts';
import type { JobObserver } from './jobs.ts';

/** One delivery channel's state, as the metrics report it. */
export interface DeliveryStats {
  /** Messages waiting to be sent (not sent, not given up). */
  pending: number;
  /** Age of the oldest of them in seconds; 0 when none. */
  oldestPendingSeconds: number;
  /** Messages given up after their last attempt (dead letters). */
  dead: number;
}

/** What the metrics read at scrape time; each is called once per scrape. */
export interface MetricSources {
  database: Database;
  /** Open SSE streams on this copy. */
  sseClients: () => number;
  /** Delivery state by channel (`email`, `line`, `webhook` …); the `channel` label. */
  deliveryStats: () => Promise<Record<string, DeliveryStats>>;
}

export interface Metrics {
  registry: Registry;
  /** Record one answered HTTP request. `route` is the route pattern, never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  jobs: JobObserver;
}

/**
 * The Prometheus metrics of one app copy, in a registry of its own (several servers share a process in
 * tests). Names and labels are listed in docs/operations.md; change both together.
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  // Process metrics: CPU, memory, handles, GC, and event-loop lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const requests = new Counter({
    name: 'musubi_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'musubi_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its response, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  databaseGauges(registry, sources.database);
  if (sources.database.replica) replicaMetrics(registry, sources.database.replica);

  new Gauge({
    name: 'musubi_sse_clients',
    help: 'Open Server-Sent Events streams (/api/stream) on this copy.',
    registers: [registry],
    collect() {
      this.set(sources.sseClients());
    },
  });

  deliveryGauges(registry, sources.deliveryStats);
  const jobs = jobMetrics(registry);

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status_code: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    jobs,
  };
}

/**
 * The pool: pg.Pool's own counts on the server. PGlite is one in-process connection with no pool, so it
 * reports that one connection and its maximum; idle and waiting have no meaning there and are absent.
 */
function databaseGauges(registry: Registry, database: Database) {
  const pool = database.pool;
  new Gauge({
    name: 'musubi_db_pool_max_connections',
    help: 'Connections the pool may open (DATABASE_POOL_SIZE; 1 for the embedded database).',
    registers: [registry],
    collect() {
      this.set(pool ? (pool.options.max ?? 10) : 1);
    },
  });
  new Gauge({
    name: 'musubi_db_pool_connections',
    help: 'Open database connections (in use = this minus musubi_db_pool_idle_connections).',
    registers: [registry],
    collect() {
      this.set(pool ? pool.totalCount : database.pglite?.closed ? 0 : 1);
    },
  });
  if (pool) {
    new Gauge({
      name: 'musubi_db_pool_idle_connections',
      help: 'Open connections not running anything.',
      registers: [registry],
      collect() {
        this.set(pool.idleCount);
      },
    });
    new Gauge({
      name: 'musubi_db_pool_waiting_requests',
      help: 'Queries waiting for a free connection from the pool.',
      registers: [registry],
      collect() {
        this.set(pool.waitingCount);
      },
    });
  }
}

/**
 * The read replica (DATABASE_READ_URL): its state as of the last probe, how far behind it was, and where
 * the read handle's statements went. Absent without a replica.
 */
function replicaMetrics(registry: Registry, replica: ReplicaRouter) {
  new Gauge({
    name: 'musubi_db_replica_state',
    help: 'The read replica: 1 for its current state (replica: reads go to it; lagging: too far behind; down: not answering).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { state } = replica.status;
      for (const s of ['replica', 'lagging', 'down'] as const) this.set({ state: s }, s === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'musubi_db_replica_lag_seconds',
    help: 'How far behind the primary the read replica was at the last probe (absent while unknown: down).',
    registers: [registry],
    collect() {
      this.reset();
      const { lagMs } = replica.status;
      if (lagMs !== null) this.set(lagMs / 1000);
    },
  });
  new Counter({
    name: 'musubi_db_read_statements_total',
    help: 'Statements of the lag-tolerant read paths, by the server that answered them (replica or primary).',
    labelNames: ['server'] as const,
    registers: [registry],
    collect() {
      const { served } = replica.status;
      this.reset();
      this.inc({ server: 'replica' }, served.replica);
      this.inc({ server: 'primary' }, served.primary);
    },
  });
  new Counter({
    name: 'musubi_db_replica_fallbacks_total',
    help: 'Read statements that failed on the replica and were answered by the primary instead.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(replica.status.fallbacks);
    },
  });
}

/**
 * Delivery backlog, read from the database at scrape time. The registry collects all metrics at once, so
 * the three gauges share one query while it runs.
 */
function deliveryGauges(registry: Registry, read: MetricSources['deliveryStats']) {
  let running: Promise<Record<string, DeliveryStats>> | undefined;
  const stats = () => (running ??= read().finally(() => (running = undefined)));
  const gauge = (name: string, help: string, pick: (s: DeliveryStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['channel'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        // A database that does not answer must not fail the whole scrape: the other metrics still matter.
        const all = await stats().catch(() => ({}) as Record<string, DeliveryStats>);
        for (const [channel, s] of Object.entries(all)) this.set({ channel }, pick(s));
      },
    });
  gauge('musubi_delivery_pending', 'Messages waiting to be delivered, by channel.', (s) => s.pending);
  gauge(
    'musubi_delivery_oldest_pending_seconds',
    'Age of the oldest message waiting to be delivered, by channel (0 when none).',
    (s) => s.oldestPendingSeconds,
  );
  gauge(
    'musubi_delivery_dead',
    'Messages given up after their last attempt (dead letters), by channel.',
    (s) => s.dead,
  );
}

/**
 * Background jobs. The label is `name`, not `job`: Prometheus gives `job` to the scrape target and would
 * rename ours to `exported_job`.
 */
function jobMetrics(registry: Registry): JobObserver {
  const lastSuccess = new Gauge({
    name: 'musubi_job_last_success_timestamp_seconds',
    help: 'Unix time of the last successful run of a background job (absent until it first succeeds).',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  const interval = new Gauge({
    name: 'musubi_job_interval_seconds',
    help: 'How often a background job is scheduled to run.',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'musubi_job_failures_total',
    help: 'Runs of a background job that threw.',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  const runs = new Histogram({
    name: 'musubi_job_duration_seconds',
    help: 'Duration of background job runs, by outcome (ok, error).',
    labelNames: ['name', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  return {
    scheduled(job) {
      interval.set({ name: job.name }, job.everyMs / 1000);
      // Present from the start at 0, so increase() sees the first failure.
      failures.inc({ name: job.name }, 0);
    },
    finished(job, { ok, seconds }) {
      runs.observe({ name: job.name, outcome: ok ? 'ok' : 'error' }, seconds);
      if (ok) lastSuccess.set({ name: job.name }, Date.now() / 1000);
      else failures.inc({ name: job.name });
    },
  };
}
