import type { Readable } from 'node:stream';
import { z } from 'zod';

/** `near=LAT,LNG` as sent by a browser or a station picker. */
export const latLng = z
  .string()
  .regex(/^\s*-?\d{1,3}(\.\d+)?\s*,\s*-?\d{1,3}(\.\d+)?\s*$/, 'lat_lng')
  .transform((s) => {
    const [lat, lng] = s.split(',').map((x) => Number(x.trim())) as [number, number];
    return { lat, lng };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180, 'lat_lng');

/**
 * Paging, the same on every list: `limit` (how many, 1–200, 50 by default) and `cursor` (the previous page's
 * `nextCursor`, opaque; absent for the first page). The OpenAPI document describes both once, as the
 * `Limit` and `Cursor` parameters every list refers to (openapi.ts). A list whose pages are bounded
 * otherwise (a search's 100) keeps its own limit.
 */
export const limitParam = z.coerce.number().int().min(1).max(200).default(50);
export const cursorParam = z.string().max(500).optional();

/** A comma-separated list of ids in a query string (`?variantIds=a,b,c`). */
export const idList = (max: number) =>
  z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.string().min(1).max(64)).min(1).max(max));

export const idParam = z.object({ id: z.string().min(1).max(64) });

/** Every error answer (application/problem+json): the OpenAPI document's one `Problem` schema. */
export const problemSchema = z
  .object({
    type: z.string().describe('`/problems/<code>`: a URI reference naming the kind of problem'),
    title: z.string().describe('A short summary of the kind, in the language asked for (Accept-Language)'),
    status: z.number().int().min(100).max(599).describe('The HTTP status code'),
    detail: z.string().describe('What went wrong this time, for a person (ja or en)'),
    instance: z.string().optional().describe('The path of the request'),
    code: z.string().describe('The stable, namespaced code (`inventory.insufficient_stock`): program against this'),
    errors: z
      .array(
        z.object({
          field: z.string().describe('The field, dotted (`lines.0.quantity`; `query.limit` for a parameter)'),
          message: z.string().describe('Why it was refused, for a person'),
        }),
      )
      .optional()
      .describe('One entry per refused field (validation problems)'),
  })
  .passthrough()
  .describe('RFC 9457 problem details. Further members carry facts a client can act on (e.g. `retryAfterSeconds`).');

/**
 * An answer that is not JSON — a CSV, a ZIP, an image, a page, an event stream — named by its media type,
 * so the OpenAPI document says what comes back. The handler sends a string, a Buffer or a stream, which
 * Fastify passes through without the serializer.
 */
export function fileAnswer(mediaType: string, description: string, encoding: 'text' | 'binary' = 'text') {
  const described = encoding === 'binary' ? z.string().meta({ format: 'binary' }) : z.string();
  // Typed as what a handler may send (the document only reads the string schema behind it).
  const schema = described as unknown as z.ZodType<string | Buffer | Readable>;
  return { description, content: { [mediaType]: { schema } } };
}
