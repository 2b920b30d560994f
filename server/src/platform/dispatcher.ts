import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { query, type Db } from './db/connection.ts';
import { DeliveryError, type Channel, type Channels, type ClaimedMessage, type Send } from './outbox.ts';

export interface DispatchOptions {
  /** Longest one attempt may take before it counts as failed (default 10 s). Senders set their own socket timeouts below it. */
  timeoutMs?: number;
  /** Attempts before a message becomes a dead letter, for channels that do not say (default 8). */
  maxAttempts?: number;
  /** Delay before the next attempt after `attempts` failed ones (default: 30 s doubling to 6 h, with jitter). */
  backoffMs?: (attempts: number) => number;
  /** Sends in flight at once across all lanes (default 16). */
  concurrency?: number;
  /** How often to look for due messages (default 1 s). */
  pollMs?: number;
  /** The clock (tests move it forward to reach a retry). */
  now?: () => Date;
  log?: FastifyBaseLogger;
}

/** Exponential backoff with jitter: about 30 s, 1 min, 2 min … capped at 6 h, each ±20 %. */
export function retryDelayMs(attempts: number, baseMs = 30_000): number {
  const plain = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
  return Math.round(plain * (0.8 + Math.random() * 0.4));
}

/** A send that can be routed to one function (tests) or per channel (the app). */
function channelsOf(target: Send | Channels): Channels {
  if (typeof target !== 'function') return target;
  const one: Channel = { send: target, lane: 'recipient', concurrency: 1 };
  return { email: one, sms: one, push: one, line: one, webhook: one };
}

interface Row {
  id: string;
  channel: ClaimedMessage['channel'];
  recipient: string;
  template: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: string | Date;
  lane: string;
}

/**
 * Sends the outbox, never inside a database transaction. Each round claims due messages in one statement
 * (SKIP LOCKED, then a lease with a claim token, committed at once), sends them with no connection held,
 * and records each outcome in one short statement guarded by the claim token. A copy that dies mid-send
 * loses nothing: its lease lapses and another copy claims the message again. Lanes (one per partner) keep a
 * silent SMTP server or a dead webhook receiver from holding up anyone else: a lane at its concurrency is
 * not claimed from, and a slot freed by one lane is filled at once from the others.
 */
export class Dispatcher {
  private readonly channels: Channels;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly inLane = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private pumping: Promise<number> | undefined;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly counts = { sent: 0, failed: 0, dead: 0 };

  constructor(
    private readonly db: Db,
    target: Send | Channels,
    private readonly opts: DispatchOptions = {},
  ) {
    this.channels = channelsOf(target);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    // The lease outlasts the attempt's own time limit (and the record after it) twice over, so no live
    // sender sees its message taken over; a dead sender's claims come back soon after.
    this.leaseMs = this.timeoutMs * 2 + 5_000;
    this.concurrency = opts.concurrency ?? 16;
  }

  /**
   * Look for due messages every `pollMs` until stop(), the first time `pollMs` after this: a restart answers
   * /health before it claims what was left due (on the embedded database the claim would wait in line with
   * the start's own statements), and that waits at most `pollMs` longer.
   */
  start(): this {
    this.timer = setInterval(() => void this.pump(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    return this;
  }

  /** Stop claiming; wait for the sends in flight (each bounded by the timeout) to finish and be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.pumping?.catch(() => 0);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Send everything due now, and wait until each is sent or rescheduled. */
  async drain(): Promise<void> {
    for (;;) {
      while (this.pumping) await this.pumping;
      if (this.inFlight.size) {
        await Promise.race([...this.inFlight]);
        continue;
      }
      // Nothing running or in flight: this round is ours, and if it finds nothing, nothing is due.
      if ((await this.pump()) === 0 && !this.inFlight.size && !this.pumping) return;
    }
  }

  /** One claim round; a call during a round makes the round run once more. */
  pump(): Promise<number> {
    if (this.pumping) {
      this.pumpAgain = true;
      return Promise.resolve(0);
    }
    this.pumping = (async () => {
      let claimed = 0;
      try {
        do {
          this.pumpAgain = false;
          claimed += await this.claimAndSend();
        } while (this.pumpAgain && !this.stopped);
      } catch (err) {
        this.opts.log?.warn({ err }, 'outbox: claiming failed; retrying on the next round');
      } finally {
        this.pumping = undefined;
      }
      return claimed;
    })();
    return this.pumping;
  }

  private capacity(channel: string): number {
    return this.channels[channel as keyof Channels]?.concurrency ?? 1;
  }

  private async claimAndSend(): Promise<number> {
    const free = this.concurrency - this.inFlight.size;
    if (this.stopped || free <= 0) return 0;
    // Due by the database's clock (unless a test moves the clock): a message committed a moment ago carries
    // the database's now() as its next_attempt_at, and this process's millisecond clock can still read earlier.
    const now = this.opts.now ? sql`${this.opts.now()}::timestamptz` : sql`now()`;
    const due = sql`sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})`;
    // Each channel is claimed from on its own (its oldest due first), so one channel's backlog never takes the
    // others' turn: a campaign's e-mail, LINE and push go out side by side. A lane at its concurrency is not
    // claimed from; a recipient-laned channel (webhooks: one lane per receiver) skips its full receivers.
    const full: string[] = [];
    const room: Record<string, number> = {};
    for (const [lane, n] of this.inLane) {
      const left = this.capacity(lane.split(':')[0]!) - n;
      if (left <= 0) full.push(lane);
      else room[lane] = left;
    }
    const branches = Object.entries(this.channels).flatMap(([name, ch]) => {
      if (ch!.lane === 'recipient')
        return [
          sql`SELECT id, next_attempt_at, channel || ':' || recipient AS lane FROM outbox
               WHERE channel = ${name} AND ${due}
                 AND channel || ':' || recipient NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(full)}::jsonb))
               ORDER BY next_attempt_at, id LIMIT ${free * 8} FOR UPDATE SKIP LOCKED`,
        ];
      const left = ch!.concurrency - (this.inLane.get(name) ?? 0);
      if (left <= 0) return [];
      return [
        sql`SELECT id, next_attempt_at, channel AS lane FROM outbox WHERE channel = ${name} AND ${due}
             ORDER BY next_attempt_at, id LIMIT ${Math.min(left, free)} FOR UPDATE SKIP LOCKED`,
      ];
    });
    if (!branches.length) return 0;
    const perChannel = Object.fromEntries(Object.entries(this.channels).map(([c, ch]) => [c, ch!.concurrency]));
    const token = randomUUID();
    // Candidates are locked (SKIP LOCKED: another copy's claim in progress is left to it), ranked within their
    // lane, as many as each lane has room for kept, and — when fewer slots are free than that — the channels
    // take turns; the leases are written in the same statement, which commits at once.
    const rows = await query<Row>(
      this.db,
      sql`WITH ${sql.join(
        branches.map((b, i) => sql`${sql.raw(`c${i}`)} AS (${b})`),
        sql`, `,
      )},
          candidates AS (${sql.join(
            branches.map((_, i) => sql.raw(`SELECT * FROM c${i}`)),
            sql` UNION ALL `,
          )}),
          in_room AS (
            SELECT id, lane, next_attempt_at FROM (
              SELECT id, lane, next_attempt_at, row_number() OVER (PARTITION BY lane ORDER BY next_attempt_at, id) AS rn FROM candidates) r
             WHERE rn <= coalesce((${JSON.stringify(room)}::jsonb ->> lane)::int, (${JSON.stringify(perChannel)}::jsonb ->> split_part(lane, ':', 1))::int, 1)),
          chosen AS (
            SELECT id, lane FROM (
              SELECT id, lane, next_attempt_at,
                     row_number() OVER (PARTITION BY split_part(lane, ':', 1) ORDER BY next_attempt_at, id) AS turn FROM in_room) t
             ORDER BY turn, next_attempt_at, id LIMIT ${free})
          UPDATE outbox o SET lease_until = ${now} + ${this.leaseMs} * interval '1 millisecond', claim_token = ${token}, attempts = o.attempts + 1
            FROM chosen WHERE o.id = chosen.id
          RETURNING o.id, o.channel, o.recipient, o.template, o.payload, o.attempts, o.created_at, chosen.lane`,
    );
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    for (const row of rows) this.launch(row, token);
    return rows.length;
  }

  private launch(row: Row, token: string) {
    this.inLane.set(row.lane, (this.inLane.get(row.lane) ?? 0) + 1);
    const p = this.attempt(row, token).finally(() => {
      const left = (this.inLane.get(row.lane) ?? 1) - 1;
      if (left > 0) this.inLane.set(row.lane, left);
      else this.inLane.delete(row.lane);
      this.inFlight.delete(p);
      if (!this.stopped) void this.pump(); // fill the freed slot
    });
    this.inFlight.add(p);
  }

  private async attempt(row: Row, token: string): Promise<void> {
    const channel = this.channels[row.channel]!;
    const message: ClaimedMessage = {
      id: Number(row.id),
      channel: row.channel,
      recipient: row.recipient,
      template: row.template,
      payload: row.payload,
      attempt: Number(row.attempts),
      createdAt: new Date(row.created_at),
    };
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new DeliveryError(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    let failure: DeliveryError | undefined;
    let answer: void | { status?: number } = undefined;
    try {
      answer = await Promise.race([channel.send(message, { signal: abort.signal }), timeUp]);
    } catch (err) {
      failure = err instanceof DeliveryError ? err : new DeliveryError(describe(err));
    } finally {
      clearTimeout(timer);
    }
    try {
      await this.record(message, token, channel, failure ?? answer?.status);
    } catch (err) {
      // The lease lapses and the message is sent again: at-least-once, as the receivers are told.
      this.opts.log?.warn({ err, outbox: message.id }, 'outbox: could not record a delivery outcome');
    }
  }

  /** Record an attempt: `outcome` is the failure, or the partner's status (if any) on success. */
  private async record(
    m: ClaimedMessage,
    token: string,
    channel: Channel,
    outcome: DeliveryError | number | undefined,
  ) {
    const now = this.opts.now?.() ?? new Date();
    if (!(outcome instanceof DeliveryError)) {
      await this.db.execute(
        sql`UPDATE outbox SET sent_at = ${now}, lease_until = NULL, last_error = NULL, last_status = ${outcome ?? null} WHERE id = ${m.id} AND claim_token = ${token}`,
      );
      this.counts.sent++;
      return;
    }
    const failure = outcome;
    const dead = failure.permanent || m.attempt >= (channel.maxAttempts ?? this.opts.maxAttempts ?? 8);
    const next = new Date(now.getTime() + (channel.backoffMs ?? this.opts.backoffMs ?? retryDelayMs)(m.attempt));
    await this.db.execute(
      sql`UPDATE outbox SET lease_until = NULL, last_error = ${failure.message.slice(0, 500)}, last_status = ${failure.status ?? null},
                            next_attempt_at = ${next}, dead_at = ${dead ? now : null}
           WHERE id = ${m.id} AND claim_token = ${token}`,
    );
    if (dead) this.counts.dead++;
    else this.counts.failed++;
    this.opts.log?.warn(
      { outbox: m.id, channel: m.channel, attempt: m.attempt, dead, error: failure.message },
      dead ? 'outbox: delivery gave up (dead letter)' : 'outbox: delivery failed; will retry',
    );
  }
}

function describe(err: unknown): string {
  if (err instanceof Error)
    return err.cause ? `${err.message}: ${String((err.cause as Error).message ?? err.cause)}` : err.message;
  return String(err);
}

/** Send everything due now (tests and tools): one dispatcher, drained. */
export async function deliverOutbox(
  db: Db,
  target: Send | Channels,
  opts: DispatchOptions = {},
): Promise<{ sent: number; failed: number; dead: number }> {
  const d = new Dispatcher(db, target, opts);
  await d.drain();
  return { ...d.counts };
}
