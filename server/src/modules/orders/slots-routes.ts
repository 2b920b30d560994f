import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import {
  prepBoardQuery,
  prepBoardView,
  slotList,
  slotSettingsBody,
  slotSettingsQuery,
  slotSettingsView,
  slotsQuery,
} from './schemas.ts';
import { getSlotSettings, listSlots, prepBoard, setSlotCapacity } from './slots.ts';
import { callers } from '../../platform/http/openapi.ts';

const tags = ['orders'];

/** A store's order-ahead and delivery slots, their capacity, and the café's preparation board. */
export const slotRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/locations/:id/slots',
      {
        config: { public: true, customer: true },
        schema: {
          security: callers.anyone,
          tags,
          summary:
            'A store’s slots on a day (Japan date; times in UTC) with capacity, booked and remaining: order-ahead pickup (10 minutes) or local delivery windows (30 minutes)',
          params: idParam,
          querystring: slotsQuery,
          response: { 200: slotList },
        },
      },
      async (req) => listSlots(db, req.params.id, req.query.kind, req.query.date),
    );
    app.get(
      '/api/locations/:id/slot-settings',
      {
        schema: {
          tags,
          summary: 'A store’s orders per slot of a kind and the slot length (staff of the store)',
          params: idParam,
          querystring: slotSettingsQuery,
          response: { 200: slotSettingsView },
        },
      },
      async (req) => getSlotSettings(db, req.principal, req.params.id, req.query.kind),
    );
    app.put(
      '/api/locations/:id/slot-settings',
      {
        schema: {
          tags,
          summary:
            'Set a store’s orders per slot: order-ahead (10 minutes) or delivery windows (30 minutes) (owner, hq, store manager)',
          params: idParam,
          body: slotSettingsBody,
          response: { 200: slotSettingsView },
        },
      },
      async (req) => setSlotCapacity(db, req.principal, req.params.id, req.body.kind, req.body.capacity),
    );
    app.get(
      '/api/locations/:id/prep-board',
      {
        schema: {
          tags,
          summary:
            'The café’s preparation board: today’s (or `date`’s, Japan time) order-ahead orders not yet picked up, by slot (staff of the store)',
          params: idParam,
          querystring: prepBoardQuery,
          response: { 200: prepBoardView },
        },
      },
      async (req) => prepBoard(db, req.principal, req.params.id, { date: req.query.date }),
    );
  };
