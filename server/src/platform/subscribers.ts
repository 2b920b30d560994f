import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { query, type Executor } from './db/connection.ts';
import { outbox } from './db/platform-schema.ts';
import type { Part } from './db/together.ts';
import { insertRows } from './db/together.ts';
import type { Channel, ClaimedMessage } from './outbox.ts';

/**
 * Upward news. A module writes an event to the outbox (channel 'event') in the transaction that makes
 * the change, so the event exists exactly when the change committed; the dispatcher hands it, after
 * commit, to the subscribers that the composition root registered (with its lease, retries and dead
 * letters, like any outbox message). A module never calls the modules above it: they listen.
 */
export interface DomainEvent {
  /** The outbox row's id: unique per event, the same on a redelivery. Subscribers derive dedupe keys from it. */
  id: number;
  /** 'order.placed', 'order.ready' … */
  name: string;
  /** What orders the events: events with the same key are handed over one at a time, oldest first. */
  key: string;
  payload: Record<string, unknown>;
  /** 1 on the first delivery; more when a subscriber failed (or the app crashed) before it was recorded. */
  attempt: number;
}

/**
 * A subscriber. It must be idempotent: an event is delivered again when any subscriber of it failed, or
 * when the app stopped before the delivery was recorded. Write with a key derived from `event.id` (a
 * unique dedupe key, ON CONFLICT DO NOTHING) so a second delivery writes nothing new.
 */
export type Subscriber = (event: DomainEvent) => Promise<void>;

/** The outbox row of an event. */
export function eventMessage(name: string, key: string, payload: Record<string, unknown>) {
  return { channel: 'event' as const, recipient: key, template: name, payload };
}

/** Write an event in the caller's transaction: it is delivered only if that transaction commits. */
export async function emit(tx: Executor, name: string, key: string, payload: Record<string, unknown>): Promise<void> {
  await tx.insert(outbox).values(eventMessage(name, key, payload));
}

/** Events as a part of a writeTogether statement (checkout and the till write theirs with the order). */
export function eventWrites(
  events: ReadonlyArray<{ name: string; key: string; payload: Record<string, unknown> }>,
): Part<typeof outbox> {
  return [
    outbox,
    insertRows(
      outbox,
      events.map((e) => eventMessage(e.name, e.key, e.payload)),
    ),
  ] as const;
}

/** Whether `name` matches a subscription pattern: 'order.placed', 'order.*' or '*'. */
export function eventMatches(pattern: string, name: string): boolean {
  return pattern === '*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1)));
}

/** The subscribers the composition root registers, and the outbox channel that hands events to them. */
export class Subscribers {
  private readonly list: Array<{ pattern: string; name: string; handle: Subscriber }> = [];
  private coalescing: { db: Executor; names: Set<string> } | undefined;

  /**
   * Events written coalesced: under a `coalesce:` dedupe key that later changes overwrite (ON CONFLICT … DO
   * UPDATE, which holds the row's lock until their commit), due at the end of their window. Before the
   * subscribers run, the key is released (renamed `coalesced:<id>`): the update waits for those writers, so
   * the subscribers get the last committed payload, and a change after it starts a new event.
   */
  coalesced(db: Executor, names: readonly string[]): this {
    this.coalescing = { db, names: new Set(names) };
    return this;
  }

  /** Listen to events matching `pattern`; `name` identifies the subscriber in the log. */
  on(pattern: string, name: string, handle: Subscriber): this {
    this.list.push({ pattern, name, handle });
    return this;
  }

  /** Hand one event to every matching subscriber, in registration order; any failure retries the event. */
  async deliver(m: Pick<ClaimedMessage, 'id' | 'recipient' | 'template' | 'payload' | 'attempt'>): Promise<void> {
    let payload = m.payload;
    if (this.coalescing?.names.has(m.template)) {
      const [released] = await query<{ payload: Record<string, unknown> }>(
        this.coalescing.db,
        sql`UPDATE outbox SET dedupe_key = 'coalesced:' || id WHERE id = ${m.id} AND dedupe_key LIKE 'coalesce:%' RETURNING payload`,
      );
      if (released) payload = released.payload;
    }
    const event: DomainEvent = { id: m.id, name: m.template, key: m.recipient, payload, attempt: m.attempt };
    for (const s of this.list) if (eventMatches(s.pattern, event.name)) await s.handle(event);
  }

  /**
   * The outbox channel 'event': one lane per key (an order's events one at a time, in order), subscribers
   * run with no transaction of the caller open (each writes in its own statement or transaction).
   */
  channel(log?: FastifyBaseLogger): Channel {
    return {
      lane: 'recipient',
      concurrency: 1,
      send: async (m) => {
        try {
          await this.deliver(m);
        } catch (err) {
          log?.warn({ err, outbox: m.id, event: m.template }, 'event subscriber failed; the event is retried');
          throw err;
        }
      },
    };
  }
}
