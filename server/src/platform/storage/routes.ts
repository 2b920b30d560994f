import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../errors.ts';
import { fileAnswer } from '../http/schemas.ts';
import type { ObjectStore } from './storage.ts';

/** Where media are served: `/media/<name>`, the object `images/<name>`. */
export const MEDIA_PATH = '/media';

/** A served name: content-hashed words and one extension (no slashes, no dots but the extension's). */
const mediaName = z
  .string()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9-]*\.(webp|jpg|png)$/, 'media_name');

/**
 * GET /media/{name}: the media files (product images), from disk or through from the bucket. Their names
 * carry a hash of their content, so they are cached for a year as immutable — a browser or a CDN never asks
 * again; the ETag (the name) answers a revalidation with 304 all the same.
 */
export const mediaRoutes =
  (store: ObjectStore): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      `${MEDIA_PATH}/:name`,
      {
        config: { ownAuth: true },
        schema: {
          tags: ['platform'],
          summary: 'A media file (a product image), cached as immutable: its name changes with its content',
          security: [],
          params: z.object({ name: mediaName }),
          response: {
            200: fileAnswer('image/webp', 'The image (WebP)', 'binary'),
            304: z.null().describe('Not modified (If-None-Match matched the ETag)'),
          },
        },
      },
      async (req, reply) => {
        const etag = `"${req.params.name.replace(/\.\w+$/, '')}"`;
        reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', etag);
        if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) return reply.code(304).send(null);
        const object = await store.get(`images/${req.params.name}`).catch((err: unknown) => {
          // The bucket is down or refuses: 503 with Retry-After, never a 500 or a cached error.
          reply.header('cache-control', 'no-store').header('retry-after', '30').removeHeader('etag');
          throw Object.assign(new DomainError('media.storage_unavailable'), { cause: err });
        });
        if (!object) {
          reply.header('cache-control', 'no-store').removeHeader('etag');
          throw new DomainError('platform.not_found', { path: req.url.split('?')[0] });
        }
        return reply.type(object.contentType).send(object.body);
      },
    );
  };
