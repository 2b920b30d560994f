import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { memberCodeKey } from '../customers/service.ts';
import { memberCodeFor, resolveMember } from './resolve.ts';
import { addNote, listNotes } from './notes.ts';
import { cardSchema, memberCodeSchema, noteBody, noteSchema, notesPage, resolveBody } from './views.ts';

export const clientelingRoutes =
  (db: Db, opts: { secret: string }): FastifyPluginAsyncZod =>
  async (app) => {
    const key = memberCodeKey(opts.secret);

    app.get(
      '/api/account/member-code',
      {
        schema: {
          tags: ['account'],
          summary: 'My member QR code (会員証): changes every 30 s, works once',
          description:
            'Show it as a QR code; fetch a new one at refreshAt (or whenever the screen opens). Expired or used codes are refused at the till.',
          response: { 200: memberCodeSchema },
        },
      },
      async (req, reply) => {
        const issued = memberCodeFor(req.principal, key);
        // A code is a short-lived credential: no cache along the way may keep it.
        reply.header('cache-control', 'no-store');
        return {
          code: issued.code,
          expiresAt: issued.expiresAt.toISOString(),
          refreshAt: issued.refreshAt.toISOString(),
        };
      },
    );

    app.post(
      '/api/member-codes/resolve',
      {
        schema: {
          tags: ['clienteling'],
          summary: 'Scan a member at the till: the clienteling card (staff, at their store)',
          description:
            'Body: {locationId, code} (the app QR), or {locationId, cardNumber} | {locationId, phone} | {locationId, memberNumber}. ' +
            'The scan goes on the member’s timeline (member_scanned). A QR code resolves once: again → 409 member_code.already_used.',
          body: resolveBody,
          response: { 200: cardSchema },
        },
      },
      async (req) => resolveMember(db, req.principal, key, req.body),
    );

    app.post(
      '/api/customers/:id/notes',
      {
        schema: {
          tags: ['clienteling'],
          summary: 'Leave a note on a member (staff)',
          params: idParam,
          body: noteBody,
          response: { 201: noteSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await addNote(db, req.principal, req.params.id, req.body)),
    );

    app.get(
      '/api/customers/:id/notes',
      {
        schema: {
          tags: ['clienteling'],
          summary: 'Notes on a member, newest first (staff)',
          params: idParam,
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(100).default(20),
            cursor: z.string().max(200).optional(),
          }),
          response: { 200: notesPage },
        },
      },
      async (req) => listNotes(db, req.principal, req.params.id, req.query),
    );
  };
