import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import {
  closeTillSession,
  currentTillSession,
  listZReports,
  moveTillCash,
  openTillSession,
  tillSessionView,
  tillXReport,
} from './till-sessions.ts';
import {
  tillCashMovementBody,
  tillCloseBody,
  tillCurrentQuery,
  tillCurrentView,
  tillFiguresView,
  tillOpenBody,
  tillReportsQuery,
  tillSessionList,
  tillSessionView as tillSessionSchema,
} from './till-session-schemas.ts';

const tags = ['pos'];

/** Opening and closing the till (レジ開け・レジ締め): float, cash in/out, X report, count and Z report. */
export const tillSessionRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/till-sessions',
      {
        schema: {
          tags,
          summary: "Open a store's till with the float (釣銭準備金): one open session per store (409 when open)",
          body: tillOpenBody,
          response: { 201: tillSessionSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await openTillSession(db, req.principal, req.body)),
    );
    app.get(
      '/api/till-sessions/current',
      {
        schema: {
          tags,
          summary: "The store's open till session, or null",
          querystring: tillCurrentQuery,
          response: { 200: tillCurrentView },
        },
      },
      async (req) => ({ session: await currentTillSession(db, req.principal, req.query.locationId) }),
    );
    app.get(
      '/api/till-sessions',
      {
        schema: {
          tags,
          summary: "Past Z reports (精算), newest first: a store's, or every store's for head office",
          querystring: tillReportsQuery,
          response: { 200: tillSessionList },
        },
      },
      async (req) => ({ items: await listZReports(db, req.principal, req.query) }),
    );
    app.get(
      '/api/till-sessions/:id',
      {
        schema: {
          tags,
          summary: 'A till session with its cash movements and, once closed, its Z report',
          params: idParam,
          response: { 200: tillSessionSchema },
        },
      },
      async (req) => tillSessionView(db, req.principal, req.params.id),
    );
    app.get(
      '/api/till-sessions/:id/x-report',
      {
        schema: {
          tags,
          summary: 'The X report (点検): the session’s figures now; changes nothing',
          params: idParam,
          response: { 200: tillFiguresView },
        },
      },
      async (req) => tillXReport(db, req.principal, req.params.id),
    );
    app.post(
      '/api/till-sessions/:id/cash-movements',
      {
        schema: {
          tags,
          summary: 'Cash in (入金) or out (出金) of the open drawer, with the reason',
          params: idParam,
          body: tillCashMovementBody,
          response: { 201: tillSessionSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await moveTillCash(db, req.principal, req.params.id, req.body)),
    );
    app.post(
      '/api/till-sessions/:id/close',
      {
        schema: {
          tags,
          summary:
            'Close the till (レジ締め) with the cash counted by denomination: expected vs counted, over/short, the Z report (精算) kept',
          params: idParam,
          body: tillCloseBody,
          response: { 200: tillSessionSchema },
        },
      },
      async (req) => closeTillSession(db, req.principal, req.params.id, req.body),
    );
  };
