import pg from 'pg';

/**
 * Read replicas (DATABASE_READ_URL). Reads that tolerate a little lag (search, the catalogue, availability
 * lists, analytics, recommendations, the storefront) are sent to a streaming replica while it is up and
 * close enough behind the primary; otherwise to the primary. Nobody gets an error because of the replica.
 *
 * - The read handle (`Database.read`) is a Drizzle database over {@link ReadPool}: a single statement goes
 *   to the replica when the router says it may, a transaction (pool.connect) always to the primary.
 * - The state is decided by a probe every `probeMs` (one query to each server, never one per request):
 *   the replica answers and has replayed what the primary had written at most `maxLagMs` ago.
 * - A statement that fails on the replica for any reason but a statement timeout is run again on the
 *   primary (reads are single SELECTs, safe to repeat); a lost connection also marks the replica down
 *   until the next probe finds it back.
 */

/** The replica must answer a probe within this, or it counts as down. */
const PROBE_TIMEOUT_MS = 2000;

export type ReplicaState = 'replica' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** replica: reads go to it; lagging: it answers but is too far behind; down: it does not answer. */
  state: ReplicaState;
  /** How far behind it was at the last probe (ms); null when unknown (down, or not yet probed). */
  lagMs: number | null;
  /** When the last probe finished. */
  checkedAt: Date | null;
  /** Statements served by each server through the read handle since start. */
  served: { replica: number; primary: number };
  /** Statements that failed on the replica and were answered by the primary instead. */
  fallbacks: number;
}

export interface ReplicaOptions {
  url: string;
  poolSize: number;
  /** Reads fall back to the primary when the replica is further behind than this (DATABASE_READ_MAX_LAG_MS). */
  maxLagMs: number;
  /** How often the replica is checked (DATABASE_READ_PROBE_MS). */
  probeMs: number;
  connectMs: number;
  statementMs: number;
}

/** A WAL position ('16/B374D848') as a number that compares. */
function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** Connection lost or refused, server shutting down or starting, too many connections: the replica is away. */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return true; // node's socket errors, pg's "Connection terminated", timeouts
  return /^(08|57P|53300)/.test(code) || /^E[A-Z]+$/.test(code);
}

export class ReplicaRouter {
  readonly pool: pg.Pool;
  private state: ReplicaState = 'down';
  private lagMs: number | null = null;
  private checkedAt: Date | null = null;
  private served = { replica: 0, primary: 0 };
  private fallbacks = 0;
  /** The primary's WAL position at each recent probe, oldest first: how fresh the replica's data is. */
  private samples: Array<{ at: number; lsn: bigint }> = [];
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private closed = false;
  /** Told when the state changes (the server logs it). */
  onChange: (from: ReplicaState, status: ReplicaStatus) => void = () => {};

  constructor(
    private readonly primary: pg.Pool,
    private readonly opts: ReplicaOptions,
  ) {
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize,
      // What pg_stat_activity shows on the replica: the app's reads.
      application_name: 'musubi-read',
      // A replica that is away should not hold a shopper for long: the probe then sends reads elsewhere.
      connectionTimeoutMillis: Math.min(opts.connectMs, 2000),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      statement_timeout: opts.statementMs,
      ...(opts.statementMs > 0 ? { query_timeout: opts.statementMs + 5000 } : {}),
    });
    this.pool.on('error', () => {
      /* an idle replica connection died; the pool replaces it and the probe notices */
    });
  }

  /** Probe once (awaited, so the first reads already know), then every probeMs. */
  async start(): Promise<void> {
    await this.probe();
    const tick = () => {
      if (this.closed) return;
      this.timer = setTimeout(() => void this.probe().finally(tick), this.opts.probeMs);
      this.timer.unref();
    };
    tick();
  }

  get status(): ReplicaStatus {
    return {
      state: this.state,
      lagMs: this.lagMs,
      checkedAt: this.checkedAt,
      served: { ...this.served },
      fallbacks: this.fallbacks,
    };
  }

  /** Run one read statement: on the replica when it is usable, else (or when it fails there) on the primary. */
  async query(config: pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    if (this.state === 'replica') {
      try {
        const result = await this.pool.query(config, values);
        this.served.replica++;
        return result;
      } catch (err) {
        // A statement timeout is not run again (it would only double the wait); anything else — a lost
        // connection, a query canceled by replay, a replica shutting down — is answered by the primary.
        if ((err as { code?: unknown }).code === '57014') throw err;
        this.fallbacks++;
        if (isConnectionError(err)) this.set('down', null);
      }
    }
    const result = await this.primary.query(config, values);
    this.served.primary++;
    return result;
  }

  /** Check the replica now (one probe at a time). */
  probe(): Promise<void> {
    this.probing ??= this.check().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async check(): Promise<void> {
    const now = Date.now();
    try {
      const p = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      this.samples.push({ at: now, lsn: lsnValue(p.rows[0]!.lsn) });
    } catch {
      /* the primary is away: nothing to compare with, the replica's last measure stands */
    }
    let replay: { standby: boolean; lsn: string | null };
    let timer: NodeJS.Timeout | undefined;
    try {
      // A replica that does not answer within PROBE_TIMEOUT_MS (a black-holed network, a stuck server) is
      // down: reads stop waiting on it at once, not after their own timeouts.
      const r = await Promise.race([
        this.pool.query<{ standby: boolean; lsn: string | null }>(
          'SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS lsn',
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('replica probe timed out')), PROBE_TIMEOUT_MS);
        }),
      ]);
      replay = r.rows[0]!;
    } catch {
      this.checkedAt = new Date();
      this.set('down', null);
      return;
    } finally {
      clearTimeout(timer);
    }
    this.checkedAt = new Date();
    // Not in recovery: the URL names a primary (the same server, or a promoted one), never behind.
    if (!replay.standby || replay.lsn === null) {
      this.samples = this.samples.slice(-1);
      this.set('replica', 0);
      return;
    }
    // The replica has everything the primary had written at the newest probe whose position it has
    // replayed: its data is at most that old. Measured on this process's clock only (no clock skew between
    // the servers), and a quiet primary does not look behind (pg_last_xact_replay_timestamp() would).
    const replayed = lsnValue(replay.lsn);
    let freshAt: number | undefined;
    let i = this.samples.length - 1;
    for (; i >= 0; i--)
      if (this.samples[i]!.lsn <= replayed) {
        freshAt = this.samples[i]!.at;
        break;
      }
    // Older samples are no longer needed: the newest replayed one bounds the lag from now on.
    if (i > 0) this.samples = this.samples.slice(i);
    if (this.samples.length > 10_000) this.samples = this.samples.slice(-10_000);
    const lag = freshAt === undefined ? null : Math.max(0, now - freshAt);
    this.set(lag !== null && lag <= this.opts.maxLagMs ? 'replica' : 'lagging', lag);
  }

  private set(state: ReplicaState, lagMs: number | null) {
    const from = this.state;
    this.state = state;
    this.lagMs = lagMs;
    if (from !== state) this.onChange(from, this.status);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.probing?.catch(() => {});
    await this.pool.end();
  }
}

/**
 * What Drizzle's node-postgres session is given as its client for the read handle: statements through
 * the router, transactions on the primary. Its name ends in Pool so Drizzle takes a connection per
 * transaction (drizzle-orm/node-postgres/session.js checks the constructor's name).
 */
export class ReadPool {
  constructor(
    private readonly router: ReplicaRouter,
    private readonly primary: pg.Pool,
  ) {}

  query(config: pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    return this.router.query(config, values);
  }

  /** A connection for a transaction: always the primary (a transaction may write, or read what it wrote). */
  connect(): Promise<pg.PoolClient> {
    return this.primary.connect();
  }
}
