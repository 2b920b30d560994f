/**
 * "What she looked at online": the product_viewed / cart_updated / favorited events of the last days,
 * folded into one line per product (newest first) with what she did and whether this store has it.
 */
export interface InterestEvent {
  type: 'product_viewed' | 'cart_updated' | 'favorited';
  at: string;
  productId: string | null;
  variantId: string | null;
  quantity: number | null;
  removed: boolean;
}

export interface Interest {
  productId: string;
  productName: string;
  lastAt: string;
  viewed: boolean;
  /** A variant of it is in her online cart now (the latest cart_updated of that variant has quantity > 0). */
  inCart: boolean;
  /** In her favourites now (the latest favorited is not a removal). */
  favorited: boolean;
  /** The variants she chose (size, colour …), when she chose any. */
  variants: Array<{ variantId: string; options: Record<string, string>; inCart: boolean; available: number }>;
  /** Sellable units here: of the variants she chose, or of any variant when she chose none. */
  available: number;
  inStock: boolean;
  /** When this store has none: the nearest other store that has it (so the clerk can say where). */
  nearby: { locationId: string; name: string; distanceKm: number; available: number } | null;
}

export interface CatalogNames {
  variants: Map<string, { productId: string; productName: string; options: Record<string, string> }>;
  products: Map<string, string>;
}

export const MAX_INTERESTS = 10;

/** Fold events (newest first) into at most MAX_INTERESTS interests, newest first (stock still zero). */
export function foldInterests(events: InterestEvent[], names: CatalogNames): Interest[] {
  const byProduct = new Map<string, Interest>();
  const cartSeen = new Set<string>();
  const favouriteSeen = new Set<string>();
  for (const e of events) {
    const variant = e.variantId ? names.variants.get(e.variantId) : undefined;
    const productId = variant?.productId ?? (e.productId && names.products.has(e.productId) ? e.productId : undefined);
    if (!productId) continue; // an id the catalog does not know (a typo, an archived test product)
    let item = byProduct.get(productId);
    if (!item) {
      item = {
        productId,
        productName: names.products.get(productId) ?? variant!.productName,
        lastAt: e.at,
        viewed: false,
        inCart: false,
        favorited: false,
        variants: [],
        available: 0,
        inStock: false,
        nearby: null,
      };
      byProduct.set(productId, item);
    }
    let line = item.variants.find((v) => v.variantId === e.variantId);
    if (variant && !line)
      item.variants.push((line = { variantId: e.variantId!, options: variant.options, inCart: false, available: 0 }));
    // Events come newest first: the first cart change of a variant, or favourite of a product, is its state now.
    if (e.type === 'product_viewed') item.viewed = true;
    else if (e.type === 'cart_updated' && line && !cartSeen.has(line.variantId)) {
      cartSeen.add(line.variantId);
      line.inCart = (e.quantity ?? 0) > 0;
      item.inCart ||= line.inCart;
    } else if (e.type === 'favorited' && !favouriteSeen.has(productId)) {
      favouriteSeen.add(productId);
      item.favorited = !e.removed;
    }
  }
  return [...byProduct.values()].slice(0, MAX_INTERESTS);
}

/** Fill in what this store can sell; `stock` holds every variant of these products at the store. */
export function withStock(items: Interest[], stock: Map<string, { productId: string; available: number }>): Interest[] {
  for (const item of items) {
    for (const v of item.variants) v.available = stock.get(v.variantId)?.available ?? 0;
    item.available = item.variants.length
      ? item.variants.reduce((n, v) => n + v.available, 0)
      : [...stock.values()].filter((s) => s.productId === item.productId).reduce((n, s) => n + s.available, 0);
    item.inStock = item.available > 0;
  }
  return items;
}
