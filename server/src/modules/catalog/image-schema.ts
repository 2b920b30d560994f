import { z } from 'zod';

/** A product picture as every answer carries it (product, lists, favourites, recommendations). */
export const productImageSchema = z
  .object({
    id: z.string().describe('img_…'),
    colour: z.string().nullable().describe('The option value (カラー: ネイビー) it shows; null: every variant'),
    position: z.number().int().describe('Order in the gallery, from 0; the first is the main picture'),
    alt: z.string().describe('代替テキスト (ja)'),
    src: z.string().describe('The 800-wide WebP (or the widest stored, if narrower)'),
    srcset: z.string().describe('Every stored width: `/media/… 200w, … 400w, …` for <img srcset>'),
    width: z.number().int().describe('Width of the original, for the aspect ratio (width/height attributes)'),
    height: z.number().int(),
  })
  .describe('A product picture, resized to responsive widths (WebP), cached as immutable');
