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

export const limitParam = z.coerce.number().int().min(1).max(200).default(50);

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

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .describe('RFC 9457 problem details');
