import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { ingestBody, ingestResult, timelinePage, timelineQuery } from './schemas.ts';
import { ingestEvents, IngestLimiter } from './ingest.ts';
import { customerTimeline, myTimeline } from './timeline.ts';
import { defaultIngestLimits, type IngestLimits } from './rate-limit.ts';
import { callers } from '../../platform/http/openapi.ts';

/** 1,000 events of a few hundred bytes each fit easily; the 4 KB payload cap is per event. */
const BODY_LIMIT = 1024 * 1024;

export const eventRoutes =
  (db: Db, opts: { limits?: IngestLimits } = {}): FastifyPluginAsyncZod =>
  async (app) => {
    const limiter = new IngestLimiter(opts.limits ?? defaultIngestLimits);

    app.post(
      '/api/events',
      {
        bodyLimit: BODY_LIMIT,
        // Anonymous devices, signed-in customers and staff all send here; ingestEvents decides what each may say.
        config: { throttled: true, public: true, customer: true },
        schema: {
          tags: ['events'],
          summary: 'Send timeline events (batches of up to 1,000; the event id makes resending safe)',
          description:
            'Without a token: web/app events of a device (deviceId required, no customerId). With a customer token: your own events. ' +
            'With a staff token: store events at your locations. Payload ≤ 4 KB JSON per event; conventions in the events module README.',
          security: callers.anyoneOrSignedIn, // a token is optional: it decides what the caller may send
          body: ingestBody,
          response: { 202: ingestResult },
        },
      },
      async (req, reply) => {
        try {
          return reply.code(202).send(await ingestEvents(db, req.principal, req.body.events, { ip: req.ip, limiter }));
        } catch (err) {
          if (err instanceof DomainError && err.code === 'events.rate_limited')
            reply.header('retry-after', String(err.params.retryAfterSeconds));
          throw err;
        }
      },
    );

    app.get(
      '/api/customers/:id/timeline',
      {
        schema: {
          tags: ['customers'],
          summary: 'A customer’s timeline, online and in store, newest first (staff)',
          params: idParam,
          querystring: timelineQuery,
          response: { 200: timelinePage },
        },
      },
      async (req) => customerTimeline(db, req.principal, req.params.id, req.query),
    );

    app.get(
      '/api/account/timeline',
      {
        schema: {
          tags: ['account'],
          summary: 'My timeline, newest first',
          querystring: timelineQuery,
          response: { 200: timelinePage },
        },
      },
      async (req) => myTimeline(db, req.principal, req.query),
    );
  };
