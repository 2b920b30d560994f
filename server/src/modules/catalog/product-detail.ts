import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { products, variants } from './schema.ts';
import { listProductImages, type ProductImage } from './image-view.ts';
import './problems.ts';

type Variant = typeof variants.$inferSelect;

export interface ProductDetail {
  id: string;
  name: string;
  nameKana: string;
  description: string;
  categoryId: string | null;
  taxRate: 10 | 8;
  status: 'active' | 'archived';
  variants: Array<Pick<Variant, 'id' | 'sku' | 'jan' | 'price' | 'options' | 'status'>>;
  /** Its pictures in order, each for every colour or for one (`colour`). */
  images: ProductImage[];
  createdAt: Date;
  updatedAt: Date;
}

export async function getProduct(db: Executor, id: string): Promise<ProductDetail> {
  const [p] = await db.select().from(products).where(eq(products.id, id));
  if (!p) throw new DomainError('catalog.product_not_found', { productId: id });
  const vs = await db.select().from(variants).where(eq(variants.productId, id)).orderBy(asc(variants.sku));
  return {
    id: p.id,
    name: p.name,
    nameKana: p.nameKana,
    description: p.description,
    categoryId: p.categoryId,
    taxRate: p.taxRate,
    status: p.status,
    variants: vs.map((v) => ({
      id: v.id,
      sku: v.sku,
      jan: v.jan,
      price: v.price,
      options: v.options,
      status: v.status,
    })),
    images: await listProductImages(db, id),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
