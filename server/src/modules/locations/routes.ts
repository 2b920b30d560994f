import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam, latLng } from '../../platform/http/schemas.ts';
import type { Db } from '../../platform/db/connection.ts';
import { getLocation, listLocations } from './service.ts';

const hours = z.object({ open: z.string(), close: z.string() }).nullable();
export const locationSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameKana: z.string(),
  nameEn: z.string(),
  kind: z.enum(['store', 'warehouse']),
  prefecture: z.string(),
  city: z.string(),
  address: z.string(),
  postalCode: z.string(),
  phone: z.string(),
  lat: z.number(),
  lng: z.number(),
  timezone: z.string(),
  nearestStation: z.string(),
  openingHours: z.record(z.string(), hours),
  services: z.object({
    pickup: z.boolean(),
    orderAhead: z.boolean(),
    deliveryRadiusKm: z.number().nullable(),
    shipping: z.boolean(),
  }),
  distanceKm: z.number().nullable(),
});

function present(l: Awaited<ReturnType<typeof getLocation>> & { distanceKm?: number | null }) {
  const { active: _a, createdAt: _c, ...rest } = l;
  return { ...rest, distanceKm: l.distanceKm ?? null };
}

export const locationRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/locations',
      {
        schema: {
          tags: ['locations'],
          summary: 'Stores and warehouses, nearest first when near= is given',
          security: [],
          querystring: z.object({
            near: latLng.optional(),
            radiusKm: z.coerce.number().positive().max(20000).optional(),
            kind: z.enum(['store', 'warehouse']).optional(),
          }),
          response: { 200: z.object({ items: z.array(locationSchema) }) },
        },
      },
      async (req) => ({ items: (await listLocations(db, req.query)).map(present) }),
    );

    app.get(
      '/api/locations/:id',
      {
        schema: { tags: ['locations'], summary: 'One location', security: [], params: idParam, response: { 200: locationSchema } },
      },
      async (req) => present(await getLocation(db, req.params.id)),
    );
  };
