import { sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../db/connection.ts';

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

type Listener = (event: BusEvent) => void;

/** Fans committed events out to in-process subscribers (SSE clients, jobs) of this app copy. */
export class EventHub {
  private listeners = new Set<Listener>();
  private stop: (() => Promise<void>) | undefined;

  constructor(private database: Database) {}

  async start(): Promise<void> {
    this.stop = await this.database.listen(EVENTS_CHANNEL, (payload) => {
      let event: BusEvent;
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch {
        return;
      }
      for (const l of this.listeners) l(event);
    });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.stop?.();
  }
}
