import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { createStoreEvent, deleteStoreEvent, listStoreEvents, updateStoreEvent } from './store-events.ts';

const storeEventSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  title: z.string(),
  description: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
});

const when = z.string().datetime({ offset: true });
const storeEventBody = z.object({
  title: z.string().trim().min(1).max(80),
  description: z.string().trim().max(1000).optional(),
  startsAt: when.describe('When it starts (ISO 8601 with offset)'),
  endsAt: when.describe('When it ends; after the start'),
});
const eventParams = z.object({ id: idParam.shape.id, eventId: z.string().min(1).max(64) });
const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

/** 店舗イベント: anyone reads a store's current and coming events; its manager and head office keep them. */
export const storeEventRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/locations/:id/events',
      {
        schema: {
          tags: ['locations'],
          summary: "The store's events on now or within the next 60 days, soonest first (public: the store page)",
          security: [],
          params: idParam,
          response: { 200: z.object({ items: z.array(storeEventSchema) }) },
        },
      },
      async (req) => ({ items: await listStoreEvents(db, req.params.id) }),
    );

    app.post(
      '/api/locations/:id/events',
      {
        schema: {
          tags: ['locations'],
          summary: 'Announce an event at the store (its manager, head office). Audited',
          params: idParam,
          body: storeEventBody,
          response: { 201: storeEventSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(
          await createStoreEvent(db, req.principal, req.params.id, {
            ...req.body,
            startsAt: new Date(req.body.startsAt),
            endsAt: new Date(req.body.endsAt),
          }),
        ),
    );

    app.patch(
      '/api/locations/:id/events/:eventId',
      {
        schema: {
          tags: ['locations'],
          summary: "Change a store event's title, times or description (its manager, head office). Audited",
          params: eventParams,
          body: storeEventBody.partial(),
          response: { 200: storeEventSchema },
        },
      },
      async (req) =>
        updateStoreEvent(db, req.principal, req.params.id, req.params.eventId, {
          title: req.body.title,
          description: req.body.description,
          startsAt: date(req.body.startsAt),
          endsAt: date(req.body.endsAt),
        }),
    );

    app.delete(
      '/api/locations/:id/events/:eventId',
      {
        schema: {
          tags: ['locations'],
          summary: 'Take an event off the store page (its manager, head office). Audited',
          params: eventParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await deleteStoreEvent(db, req.principal, req.params.id, req.params.eventId);
        return reply.code(204).send(null);
      },
    );
  };
