import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readerFor, type Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { productImageSchema } from '../catalog/service.ts';
import { createCollection, deleteCollection, listCollections, updateCollection } from './collections.ts';
import { shopHome, suggest } from './home.ts';
import { listProducts, SORTS, type ListingQuery } from './listing.ts';
import { facetsCache } from './facets-cache.ts';

const tile = z.object({
  id: z.string(),
  name: z.string(),
  categoryId: z.string().nullable(),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  variantCount: z.number().int(),
  storeAvailable: z.number().int().nullable().describe('Units available at `store` (all variants); null without one'),
  image: productImageSchema.nullable().describe('The main picture (docs/images.md); null when the product has none'),
});
const facet = z.object({ value: z.string(), count: z.number().int() });
const collectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string(),
  description: z.string(),
  kind: z.enum(['manual', 'rule']),
  categoryId: z.string().nullable(),
  newWithinDays: z.number().int().nullable(),
  featured: z.boolean(),
  sort: z.number().int(),
  productIds: z.array(z.string()),
});
const collectionBody = z.object({
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().max(100).optional(),
  description: z.string().max(500).optional(),
  kind: z.enum(['manual', 'rule']),
  categoryId: z.string().max(64).nullable().optional(),
  newWithinDays: z.number().int().min(1).max(365).nullable().optional(),
  featured: z.boolean().optional(),
  sort: z.int32().optional(),
  productIds: z.array(z.string().min(1).max(64)).max(200).optional(),
});

/** `a,b,c` in a query string: a list of up to 20 option values. */
const values = z
  .string()
  .max(500)
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .slice(0, 20),
  )
  .optional();
const yen = z.coerce.number().int().min(0).max(100_000_000).optional();
const latLng = z
  .string()
  .regex(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/, 'lat_lng')
  .transform((s) => {
    const [lat, lng] = s.split(',').map(Number);
    return { lat: lat!, lng: lng! };
  })
  .optional();

const listingQuery = z.object({
  q: z.string().max(100).optional(),
  category: z.string().max(64).optional(),
  collection: z.string().max(64).optional(),
  size: values.describe('Sizes, comma-separated (サイズ)'),
  colour: values.describe('Colours, comma-separated (カラー)'),
  priceMin: yen,
  priceMax: yen,
  stock: z
    .enum(['store', 'near'])
    .optional()
    .describe('In stock at `store`, or at the stores near `near` (else near `store`)'),
  store: z.string().max(64).optional(),
  near: latLng.describe('LAT,LNG'),
  sort: z.enum(SORTS).optional(),
  page: z.coerce.number().int().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(60).default(24),
});

const toQuery = (q: z.infer<typeof listingQuery>): ListingQuery => ({
  ...q,
  q: q.q?.trim() || undefined,
  sizes: q.size,
  colours: q.colour,
});

/** `read`: the lag-tolerant read handle (the replica when there is one) for the shop's listing, suggestions, home and collections. */
export const storefrontRoutes =
  (db: Db, read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['storefront'];
    const facets = facetsCache();
    app.get(
      '/api/shop/products',
      {
        schema: {
          tags,
          summary:
            'The shop’s listing: filters (category, collection, size, colour, price, stock at a store), sort, pages',
          security: [],
          querystring: listingQuery,
          response: {
            200: z.object({
              items: z.array(tile),
              total: z
                .number()
                .int()
                .describe('Products listed, counted up to 2,000: past that it is 2,000 and `totalCapped` is true'),
              totalCapped: z
                .boolean()
                .describe('More than `total` products are listed (「2,000件以上」); pageCount covers the first 2,000'),
              page: z.number().int(),
              pageCount: z.number().int(),
              didYouMean: z
                .string()
                .nullable()
                .describe('「もしかして」: a name to search instead when nothing matched'),
              facets: z.object({ sizes: z.array(facet), colours: z.array(facet) }),
            }),
          },
        },
      },
      async (req) => {
        const q = toQuery(req.query);
        const page = await listProducts(read, q);
        return { ...page, facets: await facets(read, q) };
      },
    );

    app.get(
      '/api/shop/suggestions',
      {
        schema: {
          tags,
          summary: 'As-you-type suggestions: categories and products (names only)',
          security: [],
          querystring: z.object({ q: z.string().max(100) }),
          response: {
            200: z.object({
              categories: z.array(z.object({ id: z.string(), name: z.string() })),
              products: z.array(z.object({ id: z.string(), name: z.string() })),
            }),
          },
        },
      },
      async (req) => suggest(read, req.query.q),
    );

    app.get(
      '/api/shop/home',
      {
        schema: {
          tags,
          summary: 'The shop’s home: featured collections, new arrivals, in stock at my store',
          security: [],
          querystring: z.object({ store: z.string().max(64).optional() }),
          response: {
            200: z.object({
              collections: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  nameEn: z.string(),
                  description: z.string(),
                  items: z.array(tile),
                }),
              ),
              newArrivals: z.array(tile),
              inStockAtStore: z.array(tile).nullable(),
            }),
          },
        },
      },
      async (req) => shopHome(read, req.query.store),
    );

    app.get(
      '/api/collections',
      {
        schema: {
          tags,
          summary: 'Collections (特集), in the home’s order',
          security: [],
          response: { 200: z.object({ items: z.array(collectionSchema) }) },
        },
      },
      async (req) => ({ items: await listCollections(readerFor(req.principal, db, read)) }),
    );

    app.post(
      '/api/collections',
      {
        schema: {
          tags,
          summary: 'Create a collection (hq)',
          body: collectionBody,
          response: { 201: collectionSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createCollection(db, req.principal, req.body)),
    );

    app.patch(
      '/api/collections/:id',
      {
        schema: {
          tags,
          summary: 'Change a collection; productIds replaces its hand-picked list (hq)',
          params: idParam,
          body: collectionBody.partial(),
          response: { 200: collectionSchema },
        },
      },
      async (req) => updateCollection(db, req.principal, req.params.id, req.body),
    );

    app.delete(
      '/api/collections/:id',
      {
        schema: { tags, summary: 'Remove a collection (hq)', params: idParam, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await deleteCollection(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
