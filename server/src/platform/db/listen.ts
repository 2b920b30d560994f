import pg from 'pg';

/** Whether this copy hears NOTIFY right now, and how often its LISTEN connection had to be re-established. */
export interface ListenStatus {
  connected: boolean;
  reconnects: number;
}

export interface ListenOptions {
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`, each with random jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `SELECT 1` on the idle connection this often; no answer within `pingTimeoutMs` counts as a drop. */
  pingEveryMs?: number;
  pingTimeoutMs?: number;
}

type PayloadHandler = (payload: string) => void;

export const LISTEN_APPLICATION_NAME = 'musubi-listen';

/**
 * The one LISTEN connection of an app copy on the Postgres server, shared by every channel.
 *
 * When the server drops it (restart, failover, idle kill) the dead client is ended and forgotten, and a
 * single reconnect loop (never two: `error` and `end` both fire for one drop) tries again with exponential
 * backoff and jitter, so a restarting database is not stormed by every copy at once. Once LISTEN is
 * active again, `onResume` handlers hear of the gap: NOTIFYs sent meanwhile are gone, and whoever shows
 * live data must read it again. TCP keepalive and a periodic ping notice a connection that died silently
 * (a failover that left the socket half-open).
 */
export class ListenConnection {
  private client: pg.Client | undefined;
  private channels = new Map<string, Set<PayloadHandler>>();
  private resumeHandlers = new Set<() => void>();
  private reconnecting = false;
  private opening: Promise<void> | undefined;
  private closed = false;
  private reconnects = 0;
  private wake: (() => void) | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private readonly opts: Required<ListenOptions>;

  constructor(
    private url: string,
    opts: ListenOptions = {},
  ) {
    this.opts = { baseDelayMs: 250, maxDelayMs: 30_000, pingEveryMs: 30_000, pingTimeoutMs: 10_000, ...opts };
  }

  get status(): ListenStatus {
    return { connected: !!this.client, reconnects: this.reconnects };
  }

  /** LISTEN on `channel`; the first call opens the connection and fails if the server cannot be reached. */
  async listen(channel: string, onPayload: PayloadHandler, onResume?: () => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('the LISTEN connection is closed');
    let handlers = this.channels.get(channel);
    const isNew = !handlers;
    if (!handlers) this.channels.set(channel, (handlers = new Set()));
    handlers.add(onPayload);
    if (onResume) this.resumeHandlers.add(onResume);
    try {
      if (!this.client && !this.reconnecting) {
        // one opening however many callers arrive together
        this.opening ??= this.connect()
          .then((opened) => {
            this.adopt(opened.client);
            opened.flush();
          })
          .finally(() => (this.opening = undefined));
        await this.opening;
      }
      // LISTEN twice is harmless; a channel added while the connection opened is covered either way
      if (isNew && this.client) await this.client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      handlers.delete(onPayload);
      if (!handlers.size) this.channels.delete(channel);
      if (onResume) this.resumeHandlers.delete(onResume);
      throw err;
    }
    this.pinger ??= setInterval(() => void this.ping(), this.opts.pingEveryMs).unref();
    return async () => {
      handlers.delete(onPayload);
      if (onResume) this.resumeHandlers.delete(onResume);
      if (handlers.size || this.channels.get(channel) !== handlers) return;
      this.channels.delete(channel);
      await this.client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pinger);
    this.wake?.();
    const client = this.client;
    this.client = undefined;
    if (client) await endQuietly(client);
  }

  /**
   * A new client with every channel LISTENed; it is not in use until `adopt`. NOTIFYs that arrive before
   * then are held and handed on by `flush` (after the resume handlers, so a gap is announced before them).
   */
  private async connect(): Promise<{ client: pg.Client; flush(): void }> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: LISTEN_APPLICATION_NAME,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Until adopted a death only marks the client; the caller's awaits fail and it is ended there.
    const died = () => {
      dead = true;
      if (this.client === client) this.drop(client);
    };
    let dead = false;
    client.on('error', died);
    client.on('end', died);
    let held: pg.Notification[] | undefined = [];
    const deliver = (msg: pg.Notification) => {
      if (this.client !== client || msg.payload === undefined) return;
      for (const handler of this.channels.get(msg.channel) ?? []) handler(msg.payload);
    };
    client.on('notification', (msg) => (held ? held.push(msg) : deliver(msg)));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      await endQuietly(client);
      throw err;
    }
    if (dead) {
      // it died between its last answer and now (an error read in the same packet)
      await endQuietly(client);
      throw new Error('the LISTEN connection closed while it was being opened');
    }
    return {
      client,
      flush: () => {
        const pending = held ?? [];
        held = undefined;
        for (const msg of pending) deliver(msg);
      },
    };
  }

  private adopt(client: pg.Client): void {
    if (this.closed) {
      void endQuietly(client);
      return;
    }
    this.client = client;
  }

  /** The connection is gone: end it, forget it and start the one reconnect loop. */
  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void endQuietly(client);
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      await this.sleep(backoff(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs));
      if (this.closed) break;
      let opened: Awaited<ReturnType<ListenConnection['connect']>>;
      try {
        opened = await this.connect();
      } catch {
        continue;
      }
      if (this.closed) {
        await endQuietly(opened.client);
        break;
      }
      this.reconnecting = false;
      this.reconnects++;
      this.adopt(opened.client);
      for (const resume of this.resumeHandlers) {
        try {
          resume();
        } catch {
          /* one subscriber's failure does not keep the others from hearing of the gap */
        }
      }
      opened.flush();
      return;
    }
    this.reconnecting = false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async ping(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.pingTimeoutMs)),
    );
    const answer = await Promise.race([
      client.query('SELECT 1').then(
        () => 'ok' as const,
        () => 'failed' as const,
      ),
      timedOut,
    ]);
    clearTimeout(timer);
    if (answer !== 'ok') this.drop(client);
  }
}

/** Exponential backoff with jitter: a delay in [d/2, d], where d doubles from `base` up to `max`. */
export function backoff(attempt: number, base: number, max: number): number {
  const d = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return d / 2 + Math.random() * (d / 2);
}

/** End a client whatever state it is in, and make sure its later errors crash nothing. */
async function endQuietly(client: pg.Client): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  // end() waits for the server's goodbye; a half-open socket never sends one
  await Promise.race([client.end().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, 2_000)))]);
  clearTimeout(timer);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
