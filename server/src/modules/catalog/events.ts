import type { Executor } from '../../platform/db/connection.ts';
import { emit } from '../../platform/subscribers.ts';

/**
 * What the catalogue tells the modules above it (notifications hands it to webhooks and NATS), written in the
 * change's transaction: `product.created`, `product.updated`, `product.archived` with the product as it now is,
 * and `price.changed` per variant whose price moved. Keyed by the product, so its news is handed over in order.
 */
export type CatalogEventName = 'product.created' | 'product.updated' | 'product.archived' | 'price.changed';

interface ProductLike {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** `product.*` with the product's detail (dates as ISO text). */
export async function emitProductEvent(
  tx: Executor,
  name: Exclude<CatalogEventName, 'price.changed'>,
  product: ProductLike,
): Promise<void> {
  await emit(tx, name, product.id, {
    product: { ...product, createdAt: product.createdAt.toISOString(), updatedAt: product.updatedAt.toISOString() },
    at: new Date().toISOString(),
  });
}

/** `price.changed`: the variant's new tax-included price and the one before. */
export async function emitPriceChanged(
  tx: Executor,
  v: { variantId: string; productId: string; sku: string; price: number; previousPrice: number },
): Promise<void> {
  if (v.price === v.previousPrice) return;
  await emit(tx, 'price.changed', v.productId, { ...v, at: new Date().toISOString() });
}
