import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Principal } from '../auth.ts';
import type { BusEvent, EventHub } from '../events/hub.ts';

export interface StreamQuery {
  variantIds?: Set<string>;
  locationIds?: Set<string>;
}

/** Decides what one listener may see of an event: the data to send, or null to skip it. */
export type StreamFilter = (event: BusEvent, principal: Principal, query: StreamQuery) => Record<string, unknown> | null;

const csv = z
  .string()
  .max(20_000)
  .transform((s) => new Set(s.split(',').map((x) => x.trim()).filter(Boolean)))
  .optional();

const HEARTBEAT_MS = 15_000;

/**
 * GET /api/stream — Server-Sent Events. Each app copy hears every committed change through Postgres
 * NOTIFY and forwards what each listener may see. EventSource cannot send headers, so `?token=` is
 * accepted in place of Authorization.
 */
export const streamRoutes =
  (hub: EventHub, filters: Record<string, StreamFilter>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/stream',
      {
        schema: {
          tags: ['realtime'],
          summary: 'Server-Sent Events: live stock changes (event: stock)',
          description: 'Filter with topics=stock, variantIds=a,b and locationIds=x,y. Anonymous listeners see available only; staff see on hand, reserved and in transit too.',
          security: [],
          querystring: z.object({ topics: csv, variantIds: csv, locationIds: csv, token: z.string().max(200).optional() }),
        },
      },
      async (req, reply) => {
        const topics = req.query.topics ?? new Set(Object.keys(filters));
        const q: StreamQuery = {};
        if (req.query.variantIds?.size) q.variantIds = req.query.variantIds;
        if (req.query.locationIds?.size) q.locationIds = req.query.locationIds;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': req.id,
        });
        res.write(`retry: 3000\n: connected\n\n`);
        let seq = 0;
        const unsubscribe = hub.subscribe((event) => {
          const filter = filters[event.topic];
          if (!filter || !topics.has(event.topic)) return;
          const data = filter(event, req.principal, q);
          if (data) res.write(`id: ${Date.now()}-${seq++}\nevent: ${event.topic}\ndata: ${JSON.stringify(data)}\n\n`);
        });
        const heartbeat = setInterval(() => res.write(`: ping\n\n`), HEARTBEAT_MS);
        const close = () => {
          clearInterval(heartbeat);
          unsubscribe();
        };
        req.raw.on('close', close);
        res.on('error', close);
      },
    );
  };
