import { z } from 'zod';
import { productImageSchema } from '../catalog/service.ts';

export const recommendation = z.object({
  productId: z.string(),
  name: z.string(),
  nameKana: z.string(),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  image: productImageSchema.nullable().describe('The main picture; null when the product has none'),
  reason: z
    .enum(['history', 'popular'])
    .describe('history: from her history (or the product’s neighbours); popular: what members buy most, to fill'),
  basedOn: z
    .object({ productId: z.string(), name: z.string() })
    .nullable()
    .describe('The product of her history that weighs most for this one'),
  available: z.number().int().nullable().describe('Units at the store asked about, else null'),
});

export const recommendationList = z.object({ items: z.array(recommendation) });

export const recommendationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(12).default(6),
});
