import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { MEDIA_PATH } from '../../platform/storage/routes.ts';
import { productImages } from './schema.ts';

/** A picture as the shop shows it: `src` (800 wide, or the widest stored) and `srcset` for the browser to choose. */
export interface ProductImage {
  id: string;
  colour: string | null;
  position: number;
  alt: string;
  src: string;
  srcset: string;
  width: number;
  height: number;
}

export type ImageRow = Pick<
  typeof productImages.$inferSelect,
  'id' | 'colour' | 'position' | 'alt' | 'base' | 'widths' | 'width' | 'height'
>;

/** The object key of one stored width. */
export const imageKey = (base: string, width: number) => `images/${base}-${width}.webp`;
const urlOf = (base: string, width: number) => `${MEDIA_PATH}/${base}-${width}.webp`;

export function imageView(r: ImageRow): ProductImage {
  const widths = [...r.widths].sort((a, b) => a - b);
  const src = widths.filter((w) => w <= 800).at(-1) ?? widths[0]!;
  return {
    id: r.id,
    colour: r.colour,
    position: r.position,
    alt: r.alt,
    src: urlOf(r.base, src),
    srcset: widths.map((w) => `${urlOf(r.base, w)} ${w}w`).join(', '),
    width: r.width,
    height: r.height,
  };
}

/** A picture row `i` (product_images) as JSON: what imageView needs, so URLs are made in one place. */
export const imageRowJson = sql`json_build_object('id', i.id, 'colour', i.colour, 'position', i.position, 'alt', i.alt,
    'base', i.base, 'widths', i.widths, 'width', i.width, 'height', i.height)`;

/** A picture's order on its product's page (and the first is its main picture). */
export const imageOrder = sql`i.position, i.id`;

/**
 * The main picture of `p` (products) as JSON, for list queries: the first in order, whichever colour.
 * Read it back with mainImageView.
 */
export const mainImageJson = sql`(SELECT ${imageRowJson}
    FROM product_images i WHERE i.product_id = p.id ORDER BY ${imageOrder} LIMIT 1)`;

export const mainImageView = (raw: unknown): ProductImage | null => (raw ? imageView(raw as ImageRow) : null);

/** A product's pictures in order (those of every colour). */
export async function listProductImages(db: Executor, productId: string): Promise<ProductImage[]> {
  const rows = await db
    .select()
    .from(productImages)
    .where(eq(productImages.productId, productId))
    .orderBy(asc(productImages.position), asc(productImages.id));
  return rows.map(imageView);
}
