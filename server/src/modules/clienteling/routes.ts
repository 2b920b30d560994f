import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam, cursorParam } from '../../platform/http/schemas.ts';
import { memberCodeKey } from '../customers/service.ts';
import { memberCodeFor, resolveMember } from './resolve.ts';
import { addNote, listNotes } from './notes.ts';
import type { SuggestAtStore } from './card.ts';
import type { CheckoutDeps } from '../orders/service.ts';
import { liveCart } from './live-cart.ts';
import { orderForMember } from './endless-aisle.ts';
import {
  actingForQuery,
  aisleOrderBody,
  aisleOrderSchema,
  liveCartSchema,
  cardSchema,
  memberCodeSchema,
  noteBody,
  noteSchema,
  notesPage,
  presenceCodeBody,
  presenceCodeSent,
  presenceProofBody,
  presenceSchema,
  resolveBody,
} from './views.ts';
import { provePresence, sendPresence } from './presence.ts';

export const clientelingRoutes =
  (
    db: Db,
    opts: { secret: string; suggest?: SuggestAtStore | undefined; checkout: CheckoutDeps },
  ): FastifyPluginAsyncZod =>
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
      async (req) => resolveMember(db, req.principal, key, req.body, { suggest: opts.suggest }),
    );

    app.get(
      '/api/customers/:id/live-cart',
      {
        schema: {
          tags: ['clienteling'],
          summary: 'Her cart right now (web or app), with the stock at this store (staff who scanned her here)',
          description:
            'For the clienteling card: `scanId` is the card’s `scan.eventId`; only the clerk who made that scan, at that store, ' +
            'within 60 minutes (else 403 clienteling.not_scanned). Read fresh on every call.',
          params: idParam,
          querystring: actingForQuery,
          response: { 200: liveCartSchema },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return liveCart(db, req.principal, { customerId: req.params.id, ...req.query });
      },
    );

    app.post(
      '/api/customers/:id/aisle-orders',
      {
        config: { idempotent: true },
        schema: {
          tags: ['clienteling'],
          summary:
            '取り寄せ: order an item this store lacks for the scanned member, for pickup here (pay at pickup) or delivery to her home (her default address, paid from her wallet)',
          description:
            'The stock is reserved where the shipping rules find it (the warehouse first, then the nearest store that ships); ' +
            'the order is hers (member id, order history, points when paid) and sold by this store. Same scan rule as live-cart. ' +
            'Send an Idempotency-Key: a double tap makes one order.',
          params: idParam,
          body: aisleOrderBody,
          response: { 201: aisleOrderSchema },
        },
      },
      async (req, reply) => {
        const placed = await orderForMember(db, opts.checkout, req.principal, {
          customerId: req.params.id,
          ...req.body,
        });
        return reply.code(201).send(placed);
      },
    );

    app.post(
      '/api/member-presence/code',
      {
        config: { throttled: true },
        schema: {
          tags: ['clienteling'],
          summary:
            'Send the member a 6-digit code by e-mail, to prove at the till that she is there (staff, at their store)',
          description: 'Valid 5 minutes, used once. The answer names the address masked (h***@example.jp).',
          body: presenceCodeBody,
          response: { 200: presenceCodeSent },
        },
      },
      async (req) => sendPresence(db, req.principal, req.body),
    );
    app.post(
      '/api/member-presence',
      {
        config: { throttled: true },
        schema: {
          tags: ['clienteling'],
          summary: 'The member proves she is at the till with her PIN or the code she received: a presence token',
          description:
            'Her wallet, points and member coupons are spent at the till only with a presence token (the sale’s `presenceToken`), ' +
            'which her app QR gives at resolve, or this call. Bound to her, the store and the clerk; valid 15 minutes. ' +
            '5 wrong PINs in 15 minutes pause PIN checks for her.',
          body: presenceProofBody,
          response: { 200: presenceSchema },
        },
      },
      async (req) => provePresence(db, req.principal, key, req.body),
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
            cursor: cursorParam,
          }),
          response: { 200: notesPage },
        },
      },
      async (req) => listNotes(db, req.principal, req.params.id, req.query),
    );
  };
