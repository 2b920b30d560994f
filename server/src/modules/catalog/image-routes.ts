import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { productImageSchema } from './image-schema.ts';
import type { ObjectStore } from '../../platform/storage/storage.ts';
import type { ImageLimits } from '../../platform/storage/images.ts';
import {
  addProductImage,
  deleteProductImage,
  listProductImages,
  reorderProductImages,
  updateProductImage,
} from './images.ts';

const alt = z.string().trim().max(300);
const colour = z.string().trim().min(1).max(80).nullable();

/** HQ uploads, orders and removes product pictures (docs/images.md). */
export const imageRoutes =
  (db: Db, media: { store: ObjectStore; limits: ImageLimits }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/products/:id/images',
      {
        // base64 is 4/3 of the file: room for a file up to 1.5 times the limit, so one a little over it is told
        // the limit (media.image_too_large) rather than a bare platform.payload_too_large.
        bodyLimit: Math.ceil(media.limits.maxBytes * 2) + 64 * 1024,
        schema: {
          tags: ['catalog'],
          summary: 'Add a picture to a product: JPEG, PNG or WebP, resized to 200–1600 wide WebP (hq)',
          description:
            'The picture is decoded (not trusted by its name) and refused with 415 unless it is a JPEG, PNG or WebP; 413 when over IMAGE_MAX_BYTES or IMAGE_MAX_PIXELS. It goes last in the gallery.',
          params: idParam,
          body: z.object({
            content: z.string().min(1).describe('The image file, base64'),
            alt: alt.optional(),
            colour: colour.optional(),
          }),
          response: { 201: productImageSchema },
        },
      },
      async (req, reply) => {
        const { content, ...rest } = req.body;
        if (!/^[A-Za-z0-9+/=\s]+$/.test(content.slice(0, 1000))) throw new DomainError('media.unsupported_image', {});
        const image = await addProductImage(db, media.store, media.limits, req.principal, req.params.id, {
          ...rest,
          content: Buffer.from(content, 'base64'),
        });
        return reply.code(201).send(image);
      },
    );

    app.put(
      '/api/products/:id/images/order',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Reorder a product’s pictures: every one of them, each once (hq)',
          params: idParam,
          body: z.object({ ids: z.array(z.string().min(1).max(64)).max(100) }),
          response: { 200: z.object({ items: z.array(productImageSchema) }) },
        },
      },
      async (req) => ({ items: await reorderProductImages(db, req.principal, req.params.id, req.body.ids) }),
    );

    app.get(
      '/api/products/:id/images',
      {
        schema: {
          tags: ['catalog'],
          summary: 'A product’s pictures in order',
          security: [],
          params: idParam,
          response: { 200: z.object({ items: z.array(productImageSchema) }) },
        },
      },
      async (req) => ({ items: await listProductImages(db, req.params.id) }),
    );

    app.patch(
      '/api/product-images/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Change a picture’s alt text or colour (hq)',
          params: idParam,
          body: z.object({ alt: alt.optional(), colour: colour.optional() }),
          response: { 200: productImageSchema },
        },
      },
      async (req) => updateProductImage(db, req.principal, req.params.id, req.body),
    );

    app.delete(
      '/api/product-images/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Remove a picture and its files (hq)',
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await deleteProductImage(db, media.store, req.principal, req.params.id, req.log);
        return reply.code(204).send(null);
      },
    );
  };
