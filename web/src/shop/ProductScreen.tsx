import { lazy, Suspense, useEffect, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ProductAvailability, StockEvent } from '../shared/api/types';
import { describeOptions, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useFlash, useStockStream } from '../shared/live';
import { Link } from '../shared/router';
import { track } from '../shared/track';
import { Button, LiveBadge, ProblemBanner, SuccessBanner } from '../shared/ui';
import { useAddToCart } from '../shared/cart';
import { NearbyStock } from '../shared/ui/NearbyStock';
import { PositionPicker } from '../shared/ui/PositionPicker';
import { NEARBY_LOCATIONS, nearParam, useShopperPosition } from '../shared/position';
import { VariantPicker } from './VariantPicker';
import { RestockNotice } from './RestockNotice';
import { HoldPanel } from './HoldPanel';
import { useMyStoreId } from '../shared/my-store';
import { MyStoreStock } from './MyStoreStock';
import { AlsoBought } from './Recommendations';
import { FavouriteHeart } from './FavouriteHeart';
import { ProductGallery } from './ProductGallery';

/** レビュー sit below the fold: their chunk loads after the page's own (the shop's first JavaScript stays small). */
const ProductReviews = lazy(() => import('./ProductReviews'));

/** /shop/products/:id — the product, its variants, and live stock in the nearest stores. */
export function ProductScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const where = useShopperPosition();
  const near = nearParam(where.position);
  const [chosen, setChosen] = useState<string | null>(null);
  const { flash, stamp } = useFlash();
  const add = useAddToCart();

  const product = useQuery({
    queryKey: ['product', id],
    queryFn: () => call(api.GET('/api/products/{id}', { params: { path: { id } } })),
  });
  // マイストア listed too when it is not among the nearest (the 取り置き panel chooses it first).
  const myStore = useMyStoreId() ?? undefined;
  const availability = useQuery({
    queryKey: ['availability', id, near, myStore],
    queryFn: () =>
      call(
        api.GET('/api/products/{id}/availability', {
          params: { path: { id }, query: { near, limit: NEARBY_LOCATIONS, also: myStore } },
        }),
      ),
    enabled: product.isSuccess,
    placeholderData: keepPreviousData,
  });

  const variants = product.data?.variants.filter((v) => v.status === 'active') ?? [];
  const selected = variants.find((v) => v.id === chosen) ?? variants[0];

  // 閲覧: once when the page opens and again for each variant she picks; the tracker batches and never blocks.
  const viewedVariant = product.data ? (selected?.id ?? '') : null;
  useEffect(() => {
    if (viewedVariant === null) return;
    track('product_viewed', viewedVariant ? { productId: id, variantId: viewedVariant } : { productId: id });
  }, [id, viewedVariant]);

  const live = useStockStream(
    {
      variantIds: variants.map((v) => v.id),
      onResync: () => void queryClient.invalidateQueries({ queryKey: ['availability', id] }),
    },
    (e: StockEvent) => {
      const key = `${e.variantId}|${e.locationId}`;
      const before = queryClient
        .getQueryData<ProductAvailability>(['availability', id, near, myStore])
        ?.items.find((i) => `${i.variantId}|${i.locationId}` === key);
      queryClient.setQueriesData<ProductAvailability>(
        { queryKey: ['availability', id] },
        (old) =>
          old && {
            ...old,
            items: old.items.map((i) =>
              i.variantId === e.variantId && i.locationId === e.locationId ? { ...i, available: e.available } : i,
            ),
          },
      );
      if (before && before.available !== e.available) flash(key);
    },
  );

  if (product.isPending) return <main className="page">{t('common.loading')}</main>;
  if (product.isError || !selected)
    return (
      <main className="page">
        <Link href="/shop">← {t('shop.product.back')}</Link>
        <ProblemBanner error={product.error ?? new Error(t('shop.product.noVariants'))} />
      </main>
    );
  const p = product.data;
  // The nearest store (to where she is, or the station she picked): none there → 入荷したら知らせる.
  const nearest = availability.data?.locations.find((l) => l.kind === 'store');
  const nearestHas = nearest
    ? (availability.data?.items.find((i) => i.variantId === selected.id && i.locationId === nearest.id)?.available ?? 0)
    : null;

  return (
    <main className="page shop product-page">
      <Link href="/shop" className="back">
        ← {t('shop.product.back')}
      </Link>
      <div className="product-layout">
        <section className="product-info" aria-labelledby="product-name">
          <ProductGallery product={p} variant={selected} />
          <div className="product-title">
            <h1 id="product-name">{p.name}</h1>
            <FavouriteHeart productId={p.id} name={p.name} large />
          </div>
          <p className="price-big" data-testid="price">
            {formatYen(selected.price, lang)}
          </p>
          <VariantPicker
            variants={variants}
            selected={selected}
            onSelect={(v) => {
              add.reset();
              setChosen(v);
            }}
          />
          <MyStoreStock availability={availability.data} variantId={selected.id} />
          <div className="add-to-cart stack">
            <Button
              variant="primary"
              size="lg"
              busy={add.isPending}
              onClick={() => add.mutate({ variantId: selected.id, quantity: 1 })}
            >
              {t('shop.product.addToCart')}
            </Button>
            <ProblemBanner error={add.error} />
            {add.isSuccess && (
              <SuccessBanner>
                {t('shop.product.added')} <Link href="/shop/cart">{t('shop.product.viewCart')}</Link>
              </SuccessBanner>
            )}
          </div>
          <dl className="facts">
            {Object.keys(selected.options).length > 0 && (
              <>
                <dt>{t('shop.product.variant')}</dt>
                <dd>{describeOptions(selected.options)}</dd>
              </>
            )}
            <dt>JAN</dt>
            <dd className="mono">{selected.jan}</dd>
            <dt>{t('shop.product.tax')}</dt>
            <dd>{t('shop.product.taxRate', { rate: p.taxRate })}</dd>
          </dl>
          {p.description && <p className="description">{p.description}</p>}
        </section>

        <section className="product-stock" aria-labelledby="stock-title">
          <div className="section-head">
            <h2 id="stock-title">{t('shop.stock.title')}</h2>
            <LiveBadge state={live} />
          </div>
          <PositionPicker {...where} />
          <ProblemBanner error={availability.error} />
          {availability.data ? (
            <NearbyStock availability={availability.data} variantId={selected.id} stamp={stamp} />
          ) : (
            availability.isPending && <p className="muted">{t('common.loading')}</p>
          )}
          {availability.data && <HoldPanel availability={availability.data} variantId={selected.id} />}
          {nearest && nearestHas === 0 && (
            <RestockNotice variantId={selected.id} store={{ id: nearest.id, name: nearest.name }} />
          )}
        </section>
      </div>
      <Suspense fallback={null}>
        <ProductReviews product={p} />
      </Suspense>
      <AlsoBought productId={p.id} />
    </main>
  );
}
