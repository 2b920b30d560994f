import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Principal } from '../auth.ts';
import type { BusEvent, EventHub, ResyncReason as HubResyncReason } from '../events/hub.ts';
import { fileAnswer } from './schemas.ts';

export interface StreamQuery {
  variantIds?: Set<string>;
  locationIds?: Set<string>;
  customerIds?: Set<string>;
  /** The clienteling scan a clerk follows a member under (topic `cart`). */
  scanId?: string;
}

/**
 * Checks, before the stream opens, that the listener may follow a topic with this query at all (a
 * clerk following one member's cart must have scanned her). Throws a DomainError to refuse. A topic
 * with an admission check is only sent when asked for by name in `topics`.
 */
export type StreamAdmission = (principal: Principal, query: StreamQuery) => Promise<void>;

/** Decides what one listener may see of an event: the data to send, or null to skip it. */
export type StreamFilter = (
  event: BusEvent,
  principal: Principal,
  query: StreamQuery,
) => Record<string, unknown> | null;

/** Why a listener is told to read its data again (`event: resync`, `data: {"reason": …}`). */
export type ResyncReason = HubResyncReason | 'last_event_id_unknown';

const csv = z
  .string()
  .max(20_000)
  .transform(
    (s) =>
      new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
  )
  .optional();

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 3000;

/**
 * The open SSE responses of this copy, so shutdown can end them politely: each gets a `retry:` hint and
 * its end, and the browser reconnects (through the load balancer, to a copy that stays) instead of
 * waiting for a cut connection to time out.
 */
export class OpenStreams {
  private open = new Set<ServerResponse>();
  private closing = false;

  get size(): number {
    return this.open.size;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  add(res: ServerResponse): () => void {
    this.open.add(res);
    return () => this.open.delete(res);
  }

  /**
   * End every stream with `retry: retryMs` (a random 0–50 % more, so a copy's listeners do not all come
   * back in the same instant); streams opened afterwards get the same at once.
   */
  close(retryMs = 2000): void {
    this.closing = true;
    for (const res of this.open) endWithRetry(res, retryMs);
    this.open.clear();
  }
}

export function endWithRetry(res: ServerResponse, retryMs: number): void {
  if (res.writableEnded) return;
  res.end(`retry: ${Math.round(retryMs * (1 + Math.random() / 2))}\n\n`);
}

/**
 * GET /api/stream — Server-Sent Events. Each app copy hears every committed change through Postgres
 * NOTIFY and forwards what each listener may see. EventSource cannot send headers, so `?token=` is
 * accepted in place of Authorization.
 *
 * Nothing is silently missed: events carry ids; a listener that comes back with `Last-Event-ID` gets what
 * it missed from this copy's recent events, or `event: resync` when that cannot be told (another copy's
 * id, too old, or a LISTEN gap), and everyone listening hears `resync` when this copy's LISTEN connection
 * was lost and is back. A screen answers `resync` by reading again what it shows.
 */
export const streamRoutes =
  (
    hub: EventHub,
    filters: Record<string, StreamFilter>,
    streams: OpenStreams = new OpenStreams(),
    admissions: Record<string, StreamAdmission> = {},
  ): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/stream',
      {
        schema: {
          tags: ['realtime'],
          summary: 'Server-Sent Events: live stock, order and cart changes (event: stock, order, cart, resync)',
          description:
            'Filter with topics=stock, variantIds=a,b and locationIds=x,y. Anonymous listeners see available only; staff see on hand, reserved and in transit too. ' +
            "topics=cart (asked for by name) says when a member's open cart changed: she hears her own; a clerk hears one member with customerIds=<id>, locationIds=<her store> and scanId=<the card's scan> (otherwise 409 clienteling.not_scanned, or 403 at another store). " +
            'Events carry ids: reconnect with Last-Event-ID to get what was missed from the same app copy; when that cannot be told, or after this copy lost its database listen connection, `event: resync` (data {"reason"}) says to read the data again.',
          security: [],
          querystring: z.object({
            topics: csv,
            variantIds: csv,
            locationIds: csv,
            customerIds: csv,
            scanId: z.string().max(64).optional(),
            token: z.string().max(200).optional(),
          }),
          response: { 200: fileAnswer('text/event-stream', 'The event stream (never ends)') },
        },
      },
      async (req, reply) => {
        const topics = req.query.topics ?? new Set(Object.keys(filters).filter((t) => !admissions[t]));
        const q: StreamQuery = {};
        if (req.query.variantIds?.size) q.variantIds = req.query.variantIds;
        if (req.query.locationIds?.size) q.locationIds = req.query.locationIds;
        if (req.query.customerIds?.size) q.customerIds = req.query.customerIds;
        if (req.query.scanId) q.scanId = req.query.scanId;
        for (const topic of topics) await admissions[topic]?.(req.principal, q);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': req.id,
        });
        if (streams.isClosing) return endWithRetry(res, RETRY_MS);

        const frame = (event: BusEvent) => {
          const filter = filters[event.topic];
          if (!filter || !topics.has(event.topic)) return null;
          const data = filter(event, req.principal, q);
          return data && `event: ${event.topic}\ndata: ${JSON.stringify(data)}\n`;
        };
        const resync = (reason: ResyncReason) =>
          `id: ${hub.lastEventId}\nevent: resync\ndata: ${JSON.stringify({ reason })}\n\n`;

        // Everything below runs in one turn: no event can fall between the replay and the subscription.
        let out = `retry: ${RETRY_MS}\n: connected\n\n`;
        const lastEventId = req.headers['last-event-id'];
        if (typeof lastEventId === 'string' && lastEventId) {
          const missed = hub.since(lastEventId);
          if (!missed) out += resync('last_event_id_unknown');
          else
            for (const { id, event } of missed) {
              const f = frame(event);
              if (f) out += `id: ${id}\n${f}\n`;
            }
        }
        // The browser keeps the latest id even from a frame without data: it always has one to come back with.
        out += `id: ${hub.lastEventId}\n\n`;
        res.write(out);

        const unsubscribe = hub.subscribe((event, id) => {
          const f = frame(event);
          if (f) res.write(`id: ${id}\n${f}\n`);
        });
        const stopResync = hub.onResync((reason) => res.write(resync(reason)));
        const forget = streams.add(res);
        // The ping also moves the listener's id along, so a quiet filter does not fall out of the replay window.
        const heartbeat = setInterval(() => res.write(`: ping\nid: ${hub.lastEventId}\n\n`), HEARTBEAT_MS);
        const close = () => {
          clearInterval(heartbeat);
          unsubscribe();
          stopResync();
          forget();
        };
        req.raw.on('close', close);
        res.on('error', close);
      },
    );
  };
