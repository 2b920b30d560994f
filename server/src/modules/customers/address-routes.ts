import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { addAddress, listAddresses, removeAddress, updateAddress } from './addresses.ts';

const tags = ['account'];

const addressInput = z.object({
  label: z.string().trim().max(20).optional().describe('Her name for it: 自宅, 実家, 勤務先'),
  postalCode: z.string().regex(/^[\d０-９]{3}[-－]?[\d０-９]{4}$/, 'postal_code'),
  prefecture: z.string().trim().min(2).max(10),
  city: z.string().trim().min(1).max(50),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(6).max(20),
  lat: z.number().min(20).max(46).optional(),
  lng: z.number().min(122).max(154).optional(),
  isDefault: z.boolean().optional().describe('Make it the address checkout fills in'),
});

const savedAddress = z.object({
  id: z.string(),
  label: z.string(),
  postalCode: z.string(),
  prefecture: z.string(),
  city: z.string(),
  line1: z.string(),
  line2: z.string().nullable(),
  name: z.string(),
  phone: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  isDefault: z.boolean(),
});
const addressBook = z.object({ items: z.array(savedAddress) });

/** お届け先: her address book, the default first; checkout fills the default in. */
export const addressRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/account/addresses',
      { schema: { tags, summary: 'My address book, the default first', response: { 200: addressBook } } },
      async (req) => ({ items: await listAddresses(db, req.principal) }),
    );
    app.post(
      '/api/account/addresses',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Save an address (my first is the default; at most 10)',
          body: addressInput,
          response: { 201: addressBook },
        },
      },
      async (req, reply) => reply.code(201).send({ items: await addAddress(db, req.principal, req.body) }),
    );
    app.put(
      '/api/account/addresses/:id',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Change one of my addresses (another member’s is 404)',
          params: idParam,
          body: addressInput,
          response: { 200: addressBook },
        },
      },
      async (req) => ({ items: await updateAddress(db, req.principal, req.params.id, req.body) }),
    );
    app.delete(
      '/api/account/addresses/:id',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Delete one of my addresses (the oldest left becomes the default)',
          params: idParam,
          response: { 200: addressBook },
        },
      },
      async (req) => ({ items: await removeAddress(db, req.principal, req.params.id) }),
    );
  };
