import type { ShopTile } from '../shared/api/types';
import { formatYenRange } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { ProductTile } from '../shared/ui';
import { LOW_STOCK } from '../shared/ui/NearbyStock';
import { FavouriteHeart } from './FavouriteHeart';

/** マイストアの在庫 on a card: only when she has a store (the listing then says how many are there). */
function StoreBadge({ available }: { available: number }) {
  const t = useT();
  const [cls, key] =
    available <= 0
      ? (['stock-none', 'browse.badge.none'] as const)
      : available <= LOW_STOCK
        ? (['stock-low', 'browse.badge.low'] as const)
        : (['stock-ok', 'browse.badge.ok'] as const);
  // 在庫なし is said quietly: a page of grey pills would drown the ones in stock.
  if (available <= 0) return <span className="muted small">{t(key)}</span>;
  return <span className={`stock store-badge ${cls}`}>{t(key)}</span>;
}

/** A product in the shop's grid or a home row: tile, name, price, her store's stock, ♡. */
export function ShopCard({ p }: { p: ShopTile }) {
  const t = useT();
  const lang = useLang();
  return (
    <li className="product-item" data-product={p.id}>
      <Link href={`/shop/products/${encodeURIComponent(p.id)}`} className="product-card shop-card">
        <ProductTile id={p.id} name={p.name} image={p.image} sizes="(max-width: 600px) 45vw, 220px" />
        <span className="product-card-body">
          <span className="product-name">{p.name}</span>
          <span className="product-price">{formatYenRange(p.priceMin, p.priceMax, lang)}</span>
          {p.variantCount > 1 && (
            <span className="muted small">{t('shop.search.variants', { n: p.variantCount })}</span>
          )}
          {p.storeAvailable !== null && <StoreBadge available={p.storeAvailable} />}
        </span>
      </Link>
      <FavouriteHeart productId={p.id} name={p.name} />
    </li>
  );
}
