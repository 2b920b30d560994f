import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { prebuilt } from '../../platform/db/prepared.ts';
import { DomainError } from '../../platform/errors.ts';
import type { variants } from './schema.ts';
import { imageOrder, imageRowJson, imageView, type ImageRow, type ProductImage } from './image-view.ts';
import './problems.ts';

type Variant = typeof variants.$inferSelect;
type VariantView = Pick<Variant, 'id' | 'sku' | 'jan' | 'price' | 'options' | 'status'>;

export interface ProductDetail {
  id: string;
  name: string;
  nameKana: string;
  description: string;
  categoryId: string | null;
  taxRate: 10 | 8;
  status: 'active' | 'archived';
  variants: VariantView[];
  /** Its pictures in order, each for every colour or for one (`colour`). */
  images: ProductImage[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The product, its variants by SKU and its pictures in order, in one round trip, built once: the page is
 * the shop's most read (three Drizzle-built statements per request before; issue 18 §1). Variants and
 * pictures come as JSON; a picture's URLs are made by imageView, as everywhere else.
 */
const productWithParts = prebuilt<
  Omit<ProductDetail, 'images' | 'createdAt' | 'updatedAt'> & {
    images: ImageRow[];
    createdAt: string | Date;
    updatedAt: string | Date;
  },
  'productId'
>(sql`
SELECT p.id, p.name, p.name_kana AS "nameKana", p.description, p.category_id AS "categoryId",
       p.tax_rate AS "taxRate", p.status,
       (SELECT coalesce(json_agg(json_build_object('id', v.id, 'sku', v.sku, 'jan', v.jan, 'price', v.price,
                                                   'options', v.options, 'status', v.status) ORDER BY v.sku), '[]')
          FROM variants v WHERE v.product_id = p.id) AS variants,
       (SELECT coalesce(json_agg(${imageRowJson} ORDER BY ${imageOrder}), '[]')
          FROM product_images i WHERE i.product_id = p.id) AS images,
       p.created_at AS "createdAt", p.updated_at AS "updatedAt"
  FROM products p
 WHERE p.id = ${sql.placeholder('productId')}`);

/** A product with its variants (by SKU) and pictures (in order); catalog.product_not_found when there is none. */
export async function getProduct(db: Executor, id: string): Promise<ProductDetail> {
  const [p] = await productWithParts(db, { productId: id });
  if (!p) throw new DomainError('catalog.product_not_found', { productId: id });
  return {
    id: p.id,
    name: p.name,
    nameKana: p.nameKana,
    description: p.description,
    categoryId: p.categoryId,
    taxRate: p.taxRate,
    status: p.status,
    variants: p.variants,
    images: p.images.map(imageView),
    // Raw timestamptz text (Drizzle's drivers leave it unparsed), read as Drizzle's column would.
    createdAt: new Date(p.createdAt),
    updatedAt: new Date(p.updatedAt),
  };
}
