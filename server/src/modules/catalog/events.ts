import type { Executor } from '../../platform/db/connection.ts';
import { emitIfWanted } from '../../platform/event-demand.ts';

/**
 * What the catalogue tells integrations (notifications hands it to webhooks and NATS), written in the
 * change's transaction while one listens (platform/event-demand.ts): `product.created`, `product.updated`, `product.archived` with the product as it now is,
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
  productId: string,
  load: () => Promise<ProductLike>,
): Promise<void> {
  await emitIfWanted(tx, name, productId, async () => {
    const product = await load();
    return {
      product: { ...product, createdAt: product.createdAt.toISOString(), updatedAt: product.updatedAt.toISOString() },
      at: new Date().toISOString(),
    };
  });
}

/** `price.changed`: the variant's new tax-included price and the one before. */
export async function emitPriceChanged(
  tx: Executor,
  v: { variantId: string; productId: string; sku: string; price: number; previousPrice: number },
): Promise<void> {
  if (v.price === v.previousPrice) return;
  await emitIfWanted(tx, 'price.changed', v.productId, { ...v, at: new Date().toISOString() });
}
