import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Recommendation } from '../shared/api/types';
import { useCustomerSession } from '../shared/customer/session';
import { formatYenRange } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { ProductTile } from '../shared/ui';
import { FavouriteHeart } from './FavouriteHeart';

/** A row of product cards (scrolls sideways on a phone, a grid on a wide screen). */
function RecommendationRow({ items, showReason }: { items: Recommendation[]; showReason: boolean }) {
  const t = useT();
  const lang = useLang();
  return (
    <ul className="recs-row">
      {items.map((r) => (
        <li key={r.productId} data-reason={r.reason} className="product-item">
          <Link href={`/shop/products/${encodeURIComponent(r.productId)}`} className="product-card recs-card">
            <ProductTile id={r.productId} name={r.name} image={r.image} />
            <span className="product-card-body">
              <span className="product-name">{r.name}</span>
              <span className="product-price">{formatYenRange(r.priceMin, r.priceMax, lang)}</span>
              {showReason && (
                <span className="muted small">
                  {r.basedOn ? t('recs.basedOn', { name: r.basedOn.name }) : t('recs.popular')}
                </span>
              )}
            </span>
          </Link>
          <FavouriteHeart productId={r.productId} name={r.name} />
        </li>
      ))}
    </ul>
  );
}

/** 一緒に買われている商品 on a product page: hidden while the product has no neighbours yet. */
export function AlsoBought({ productId }: { productId: string }) {
  const t = useT();
  const recs = useQuery({
    queryKey: ['recommendations', 'product', productId],
    queryFn: () =>
      call(api.GET('/api/products/{id}/recommendations', { params: { path: { id: productId }, query: { limit: 6 } } })),
    staleTime: 5 * 60_000,
  });
  if (!recs.data?.items.length) return null;
  return (
    <section className="recs" aria-labelledby="also-bought-title">
      <h2 id="also-bought-title">{t('recs.alsoBought')}</h2>
      <RecommendationRow items={recs.data.items} showReason={false} />
    </section>
  );
}

/** あなたへのおすすめ on the shop's home, for a signed-in member only. */
export function ForYou() {
  const t = useT();
  const member = useCustomerSession();
  const recs = useQuery({
    queryKey: ['account', 'recommendations'],
    queryFn: () => call(api.GET('/api/account/recommendations', { params: { query: { limit: 6 } } })),
    enabled: !!member,
    staleTime: 5 * 60_000,
  });
  if (!member || !recs.data?.items.length) return null;
  return (
    <section className="recs" aria-labelledby="for-you-title">
      <h2 id="for-you-title">{t('recs.forYou')}</h2>
      <p className="muted small">{t('recs.forYouHint')}</p>
      <RecommendationRow items={recs.data.items} showReason />
    </section>
  );
}
