import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readerFor, type Db } from '../../platform/db/connection.ts';
import { idParam, limitParam, cursorParam } from '../../platform/http/schemas.ts';
import { isValidJan } from './jan.ts';
import { productImageSchema } from './image-schema.ts';
import {
  addVariant,
  createCategory,
  createProduct,
  updateCategory,
  findByBarcode,
  getProduct,
  listCategories,
  searchProducts,
  updateProduct,
  updateVariant,
} from './service.ts';

const jan = z
  .string()
  .transform((s) => s.normalize('NFKC').replace(/[\s-]/g, ''))
  .pipe(
    z
      .string()
      .regex(/^\d{13}$/, 'jan_format')
      .refine(isValidJan, 'jan_check_digit'),
  );
const taxRate = z.union([z.literal(10), z.literal(8)]);
const price = z.number().int().min(0).max(100_000_000).describe('Tax-included price in yen (税込)');
const options = z.record(z.string().max(40), z.string().max(80));
const variantInput = z.object({ sku: z.string().trim().min(1).max(64), jan, price, options: options.optional() });

const variantSchema = z.object({
  id: z.string(),
  sku: z.string(),
  jan: z.string(),
  price: z.number(),
  options: z.record(z.string(), z.string()),
  status: z.enum(['active', 'archived']),
});
export const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameKana: z.string(),
  description: z.string(),
  categoryId: z.string().nullable(),
  taxRate,
  status: z.enum(['active', 'archived']),
  variants: z.array(variantSchema),
  images: z.array(productImageSchema),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const summarySchema = z.object({
  id: z.string(),
  name: z.string(),
  nameKana: z.string(),
  categoryId: z.string().nullable(),
  taxRate,
  status: z.enum(['active', 'archived']),
  priceMin: z.number(),
  priceMax: z.number(),
  variantCount: z.number(),
  image: productImageSchema.nullable().describe('The main picture (the first); null when it has none'),
});
const categorySchema = z.object({
  id: z.string(),
  name: z.string(),
  nameKana: z.string(),
  nameEn: z.string(),
  parentId: z.string().nullable(),
  sort: z.number(),
  notScanAndGo: z.boolean().describe('Not sold by スキャン＆ゴー (age-restricted, …), nor its subcategories'),
});

/**
 * `read`: the handle for lag-tolerant reads (the replica when there is one): search, the product page and
 * the categories for shoppers; staff read the primary (readerFor), so a product they save reads back as saved.
 */
export const catalogRoutes =
  (db: Db, read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/products',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Search products (kanji, kana, half-width, partial, 1–2 character terms)',
          security: [],
          querystring: z.object({
            q: z.string().max(100).optional(),
            categoryId: z.string().max(64).optional(),
            includeArchived: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            cursor: cursorParam,
            limit: limitParam,
          }),
          response: { 200: z.object({ items: z.array(summarySchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (req) => searchProducts(readerFor(req.principal, db, read), req.query),
    );

    app.post(
      '/api/products',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Create a product with variants (hq)',
          body: z
            .object({
              name: z.string().trim().min(1).max(200),
              nameKana: z.string().trim().max(200).optional(),
              description: z.string().max(5000).optional(),
              taxRate,
              categoryId: z.string().max(64).nullable().optional(),
              variants: z.array(variantInput).min(1).max(500),
            })
            .superRefine((b, ctx) => {
              const seen = new Set<string>();
              b.variants.forEach((v, i) => {
                if (seen.has(v.jan))
                  ctx.addIssue({ code: 'custom', message: 'catalog.duplicate_jan', path: ['variants', i, 'jan'] });
                seen.add(v.jan);
              });
            }),
          response: { 201: productSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createProduct(db, req.principal, req.body)),
    );

    app.get(
      '/api/products/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'A product with its variants',
          security: [],
          params: idParam,
          response: { 200: productSchema },
        },
      },
      async (req) => getProduct(readerFor(req.principal, db, read), req.params.id),
    );

    app.patch(
      '/api/products/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Update or archive a product (hq)',
          params: idParam,
          body: z.object({
            name: z.string().trim().min(1).max(200).optional(),
            nameKana: z.string().trim().max(200).optional(),
            description: z.string().max(5000).optional(),
            taxRate: taxRate.optional(),
            categoryId: z.string().max(64).nullable().optional(),
            status: z.enum(['active', 'archived']).optional(),
          }),
          response: { 200: productSchema },
        },
      },
      async (req) => updateProduct(db, req.principal, req.params.id, req.body),
    );

    app.post(
      '/api/products/:id/archive',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Archive a product (hq)',
          params: idParam,
          response: { 200: productSchema },
        },
      },
      async (req) => updateProduct(db, req.principal, req.params.id, { status: 'archived' }),
    );

    app.post(
      '/api/products/:id/variants',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Add a variant (hq)',
          params: idParam,
          body: variantInput,
          response: { 201: productSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await addVariant(db, req.principal, req.params.id, req.body)),
    );

    app.patch(
      '/api/variants/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Change a variant price, options or status (hq)',
          params: idParam,
          body: z.object({
            price: price.optional(),
            options: options.optional(),
            status: z.enum(['active', 'archived']).optional(),
          }),
          response: { 200: productSchema },
        },
      },
      async (req) => updateVariant(db, req.principal, req.params.id, req.body),
    );

    app.get(
      '/api/barcodes/:jan',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Look up a JAN-13 barcode → the variant and its product',
          security: [],
          params: z.object({ jan: z.string().min(1).max(40) }),
          response: { 200: z.object({ variant: variantSchema, product: productSchema }) },
        },
      },
      async (req) => findByBarcode(db, req.params.jan),
    );

    app.get(
      '/api/categories',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Categories',
          security: [],
          response: { 200: z.object({ items: z.array(categorySchema) }) },
        },
      },
      async (req) => ({ items: await listCategories(readerFor(req.principal, db, read)) }),
    );

    app.post(
      '/api/categories',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Create a category (hq)',
          body: z.object({
            name: z.string().trim().min(1).max(100),
            nameKana: z.string().max(100).optional(),
            nameEn: z.string().max(100).optional(),
            parentId: z.string().max(64).nullable().optional(),
            sort: z.int32().optional(),
            notScanAndGo: z.boolean().optional(),
          }),
          response: { 201: categorySchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createCategory(db, req.principal, req.body)),
    );

    app.patch(
      '/api/categories/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Rename, move or reorder a category (hq)',
          params: idParam,
          body: z.object({
            name: z.string().trim().min(1).max(100).optional(),
            nameKana: z.string().max(100).optional(),
            nameEn: z.string().max(100).optional(),
            parentId: z.string().max(64).nullable().optional(),
            sort: z.int32().optional(),
            notScanAndGo: z.boolean().optional(),
          }),
          response: { 200: categorySchema },
        },
      },
      async (req) => updateCategory(db, req.principal, req.params.id, req.body),
    );
  };
