import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../db/connection.ts';
import type { ListenStatus } from '../db/listen.ts';

export const EVENTS_CHANNEL = 'musubi_events';

export interface BusEvent {
  topic: string;
  data: Record<string, unknown>;
}

/**
 * Publish inside the business transaction: Postgres delivers a NOTIFY only when that transaction
 * commits, so listeners never hear of a change that rolled back. Every app copy listening on the same
 * database receives it.
 */
export async function publish(tx: Executor, topic: string, data: Record<string, unknown>): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ topic, data })})`);
}

/** pg_notify as an expression: for a statement that writes and announces together (writeTogether's `also`). `data` is a json(b) expression. */
export function notifySql(topic: string, data: SQL): SQL {
  return sql`pg_notify(${EVENTS_CHANNEL}, json_build_object('topic', ${topic}::text, 'data', ${data})::text)`;
}

/** `id` is the event's position in this copy's stream: opaque, for `Last-Event-ID`. */
type Listener = (event: BusEvent, id: string) => void;

/** Why subscribers must read their data again: the LISTEN connection was lost and events went by unheard. */
export type ResyncReason = 'database_reconnected';

export interface HubOptions {
  /** How many recent events are kept for `since` (replay to an SSE client that reconnects). */
  replay?: number;
}

/**
 * Fans committed events out to in-process subscribers (SSE clients, jobs) of this app copy.
 *
 * Each event gets an id `<copy>.<position>`; the last `replay` events are kept so that a listener that
 * reconnects to the same copy gets what it missed (`since`). A gap in the LISTEN connection cannot be
 * replayed: subscribers hear `onResync` and every id from before the gap stops being replayable.
 */
export class EventHub {
  /** Tells this copy's ids from another copy's (or this copy's before a restart). */
  readonly copyId = randomBytes(4).toString('hex');
  private listeners = new Set<Listener>();
  private resyncListeners = new Set<(reason: ResyncReason) => void>();
  private stop: (() => Promise<void>) | undefined;
  private position = 0;
  /** Events after this position are all in `recent`. */
  private completeAfter = 0;
  private recent: Array<{ position: number; event: BusEvent }> = [];
  private readonly replay: number;

  constructor(
    private database: Database,
    opts: HubOptions = {},
  ) {
    this.replay = opts.replay ?? 1000;
  }

  async start(): Promise<void> {
    this.stop = await this.database.listen(
      EVENTS_CHANNEL,
      (payload) => {
        let event: BusEvent;
        try {
          event = JSON.parse(payload) as BusEvent;
        } catch {
          return;
        }
        this.dispatch(event);
      },
      () => this.gap('database_reconnected'),
    );
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after a gap, once events flow again: whatever was built from events must be read afresh. */
  onResync(listener: (reason: ResyncReason) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** The id of the current position: a listener that has it has heard everything up to now. */
  get lastEventId(): string {
    return this.idOf(this.position);
  }

  /** The events after `lastEventId`, or undefined when they cannot be told (another copy's id, a gap, too old). */
  since(lastEventId: string): Array<{ id: string; event: BusEvent }> | undefined {
    const dot = lastEventId.lastIndexOf('.');
    if (dot < 0 || lastEventId.slice(0, dot) !== this.copyId) return undefined;
    const text = lastEventId.slice(dot + 1);
    if (!/^[0-9a-z]{1,11}$/.test(text)) return undefined;
    const position = parseInt(text, 36);
    if (position < this.completeAfter || position > this.position) return undefined;
    return this.recent.filter((e) => e.position > position).map((e) => ({ id: this.idOf(e.position), event: e.event }));
  }

  /** Whether the LISTEN connection is up and how often it was re-established (for metrics and probes). */
  get listenStatus(): ListenStatus {
    return this.database.listenStatus();
  }

  /** In-process subscribers (SSE clients among them). */
  get size(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.resyncListeners.clear();
    await this.stop?.();
  }

  private dispatch(event: BusEvent): void {
    const position = ++this.position;
    this.recent.push({ position, event });
    if (this.recent.length > this.replay) this.completeAfter = this.recent.shift()!.position;
    const id = this.idOf(position);
    for (const l of this.listeners) l(event, id);
  }

  private gap(reason: ResyncReason): void {
    // A position of its own for the gap, so every id handed out before it is no longer replayable.
    this.completeAfter = ++this.position;
    this.recent = [];
    for (const l of this.resyncListeners) l(reason);
  }

  private idOf(position: number): string {
    return `${this.copyId}.${position.toString(36)}`;
  }
}
