import { z } from 'zod';
import { productImageSchema } from '../catalog/service.ts';

/** A favourite as the member's list and the staff card show it (validation, types and OpenAPI in one). */
export const favouriteView = z.object({
  productId: z.string(),
  name: z.string(),
  status: z.enum(['active', 'archived']),
  priceMin: z.number().int().nullable(),
  priceMax: z.number().int().nullable(),
  image: productImageSchema.nullable().describe('The main picture; null when the product has none'),
  addedAt: z.string(),
  available: z.number().int().nullable().describe('Units available at the store shown, over its variants'),
  badge: z
    .enum(['in_stock', 'low', 'out'])
    .nullable()
    .describe('在庫あり / 残りわずか (3 or fewer) / 在庫なし at the store shown; null: no store'),
  variants: z.array(
    z.object({
      id: z.string(),
      options: z.record(z.string(), z.string()),
      price: z.number().int(),
      available: z.number().int().nullable(),
    }),
  ),
});
