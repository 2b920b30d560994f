import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { Location } from '../../shared/api/types';
import { useAddToCart } from '../../shared/cart';
import { describeOptions, formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { useProductReviews } from '../../shared/reviews';
import { Link } from '../../shared/router';
import { Button, ProblemBanner, SuccessBanner } from '../../shared/ui';
import { NearbyStock, StockStatus } from '../../shared/ui/NearbyStock';
import { Stars } from '../../shared/ui/Stars';
import { ProductGallery } from '../ProductGallery';
import { NEARBY_LOCATIONS } from '../../shared/position';

/**
 * The item she scanned, as the shelf can't tell her: its picture and price (税込), the review average, the
 * stock here and at the stores near this one, the other sizes and colours this store has. Then into her
 * スキャン＆ゴー basket — or, instead, into her online cart to have it delivered home.
 */
export function ScannedItem({ jan, store, onDone }: { jan: string; store: Location; onDone: () => void }) {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const found = useQuery({
    queryKey: ['barcode', jan],
    queryFn: () => call(api.GET('/api/barcodes/{jan}', { params: { path: { jan } } })),
    retry: false,
  });
  const productId = found.data?.product.id;
  const product = useQuery({
    queryKey: ['product', productId],
    queryFn: () => call(api.GET('/api/products/{id}', { params: { path: { id: productId! } } })),
    enabled: !!productId,
  });
  const near = `${store.lat.toFixed(4)},${store.lng.toFixed(4)}`;
  const availability = useQuery({
    queryKey: ['availability', productId, near],
    queryFn: () =>
      call(
        api.GET('/api/products/{id}/availability', {
          params: { path: { id: productId! }, query: { near, limit: NEARBY_LOCATIONS } },
        }),
      ),
    enabled: !!productId,
  });
  const reviews = useProductReviews(productId ?? '', 'helpful', 1);
  const add = useMutation({
    mutationFn: (variantId: string) =>
      call(
        api.POST('/api/account/scan-and-go/{locationId}/lines', {
          params: { path: { locationId: store.id } },
          body: { variantId, quantity: 1 },
        }),
      ),
    onSuccess: (basket) => qc.setQueryData(['account', 'scan-and-go', store.id], basket),
  });
  const deliver = useAddToCart();

  if (found.isError)
    return (
      <section className="card" role="alert" data-testid="scanned-not-found">
        <p>{t('scanGo.notFound')}</p>
        <p className="mono small">{jan}</p>
      </section>
    );
  if (!found.data || !product.data) return <p className="muted">{t('common.loading')}</p>;
  const variant = product.data.variants.find((v) => v.id === found.data.variant.id) ?? product.data.variants[0]!;
  const stockAt = (variantId: string) =>
    availability.data?.items.find((i) => i.variantId === variantId && i.locationId === store.id)?.available ?? 0;
  // The other sizes and colours on this store's shelves (what she can pick up instead, here).
  const others = product.data.variants.filter((v) => v.id !== variant.id && v.status === 'active' && stockAt(v.id) > 0);
  const summary = reviews.data?.summary;

  return (
    <section
      className="card stack scanned-item"
      aria-labelledby="scanned-name"
      data-testid="scanned-item"
      data-jan={jan}
    >
      <div className="scanned-head">
        <ProductGallery product={product.data} variant={variant} />
        <div className="stack">
          <h2 id="scanned-name">{product.data.name}</h2>
          {Object.keys(variant.options).length > 0 && <p className="muted">{describeOptions(variant.options)}</p>}
          <p className="price-big" data-testid="scanned-price">
            {formatYen(variant.price, lang)}
          </p>
          <p>
            {!summary ? null : summary.count > 0 ? (
              <>
                <Stars value={summary.average ?? 0} size="sm" />{' '}
                <Link href={`/shop/products/${product.data.id}`}>{t('scanGo.reviews', { n: summary.count })}</Link>
              </>
            ) : (
              <span className="muted small">{t('scanGo.noReviews')}</span>
            )}
          </p>
          <p data-testid="scanned-stock">
            {t('scanGo.stockHere')}:{' '}
            {availability.data ? <StockStatus available={stockAt(variant.id)} /> : t('common.loading')}
          </p>
        </div>
      </div>
      <div className="row-actions">
        <Button variant="primary" size="lg" busy={add.isPending} onClick={() => add.mutate(variant.id)}>
          {t('scanGo.add')}
        </Button>
        <Button
          variant="secondary"
          busy={deliver.isPending}
          onClick={() => deliver.mutate({ variantId: variant.id, quantity: 1 })}
        >
          {t('scanGo.deliver')}
        </Button>
      </div>
      <ProblemBanner error={add.error ?? deliver.error} />
      {add.isSuccess && (
        <SuccessBanner>
          {t('scanGo.added')}{' '}
          <Button variant="ghost" onClick={onDone}>
            {t('scanGo.again')}
          </Button>
        </SuccessBanner>
      )}
      {deliver.isSuccess ? (
        <SuccessBanner>
          {t('scanGo.deliverAdded')} <Link href="/shop/cart">{t('scanGo.toCart')}</Link>
        </SuccessBanner>
      ) : (
        <p className="muted small">{t('scanGo.deliverHint')}</p>
      )}
      <h3>{t('scanGo.otherSizes')}</h3>
      {!availability.data ? (
        <p className="muted small">{t('common.loading')}</p>
      ) : others.length ? (
        <ul className="plain-list scanned-variants">
          {others.map((v) => (
            <li key={v.id}>
              <span>{describeOptions(v.options) || v.sku}</span> <span>{formatYen(v.price, lang)}</span>{' '}
              <StockStatus available={stockAt(v.id)} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('scanGo.noOtherSizes')}</p>
      )}
      <h3>{t('scanGo.nearby')}</h3>
      {availability.data && (
        <NearbyStock availability={availability.data} variantId={variant.id} stamp={() => undefined} />
      )}
    </section>
  );
}
