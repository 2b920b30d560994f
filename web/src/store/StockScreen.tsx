import { useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Level, ProductAvailability, StockEvent } from '../shared/api/types';
import { describeOptions, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useFlash, useStockStream } from '../shared/live';
import { LiveBadge, ProblemBanner } from '../shared/ui';
import { LevelPanel } from './LevelPanel';
import { NearbyStock } from '../shared/ui/NearbyStock';
import { useLocations } from '../shared/locations';
import { MovementForm } from './MovementForm';
import { ReconcilePanel } from './ReconcilePanel';
import { ScanBox } from './ScanBox';
import type { Session } from '../shared/staff-session';
import { NEARBY_LOCATIONS } from '../shared/position';

const levelKey = (locationId: string, variantId: string | undefined) => ['level', locationId, variantId] as const;

/** /store/:id/stock — scan a JAN, see this store's numbers live, record 入荷 · 調整 · 棚卸 · 移動. */
export function StockScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const scanRef = useRef<HTMLInputElement>(null);
  const [jan, setJan] = useState<string | null>(null);
  const { flash, stamp } = useFlash();
  const locations = useLocations();

  const lookup = useQuery({
    queryKey: ['barcode', jan],
    queryFn: () => call(api.GET('/api/barcodes/{jan}', { params: { path: { jan: jan! } } })),
    enabled: !!jan,
    retry: false,
  });
  const variant = lookup.data?.variant;
  const level = useQuery({
    queryKey: levelKey(locationId, variant?.id),
    queryFn: async () => {
      const r = await call(
        api.GET('/api/locations/{id}/stock', {
          params: { path: { id: locationId }, query: { variantIds: variant!.id } },
        }),
      );
      return r.items[0]!;
    },
    enabled: !!variant,
  });

  // 近くの店舗: where to send a customer (or ask for a transfer) when this store has run out.
  const here = locations.data?.find((l) => l.id === locationId);
  const productId = lookup.data?.product.id;
  const nearby = useQuery({
    queryKey: ['availability', productId, here ? `${here.lat},${here.lng}` : ''],
    queryFn: () =>
      call(
        api.GET('/api/products/{id}/availability', {
          params: { path: { id: productId! }, query: { near: `${here!.lat},${here!.lng}`, limit: NEARBY_LOCATIONS } },
        }),
      ),
    enabled: !!productId && !!here,
  });

  const live = useStockStream(
    {
      locationIds: [locationId],

      onResync: () => void queryClient.invalidateQueries({ queryKey: ['level', locationId] }),
    },
    (e: StockEvent) => {
      if (e.onHand === undefined) return;
      queryClient.setQueryData(levelKey(e.locationId, e.variantId), e as Level);
      if (e.variantId === variant?.id) flash('level');
    },
  );

  const scanned = (code: string) => {
    if (code === jan) void level.refetch();
    setJan(code);
  };

  return (
    <main className="page store stock-screen">
      <div className="section-head">
        <h1>{t('store.stock.title')}</h1>
        <LiveBadge state={live} />
      </div>
      <ReconcilePanel session={session} locationId={locationId} />
      <ScanBox onScan={scanned} inputRef={scanRef} />
      <ProblemBanner error={lookup.error} />
      {lookup.isFetching && !lookup.data && <p className="muted">{t('common.loading')}</p>}

      {lookup.data && variant && (
        <div className="stock-layout">
          <section className="card scanned" aria-labelledby="scanned-name" data-variant={variant.id}>
            <h2 id="scanned-name">{lookup.data.product.name}</h2>
            <dl className="facts">
              {Object.keys(variant.options).length > 0 && (
                <>
                  <dt>{t('shop.product.variant')}</dt>
                  <dd>{describeOptions(variant.options)}</dd>
                </>
              )}
              <dt>SKU</dt>
              <dd className="mono">{variant.sku}</dd>
              <dt>JAN</dt>
              <dd className="mono">{variant.jan}</dd>
              <dt>{t('store.stock.price')}</dt>
              <dd>{formatYen(variant.price, lang)}</dd>
            </dl>
            <h3>{t('store.stock.level')}</h3>
            <ProblemBanner error={level.error} />
            {level.data && <LevelPanel key={stamp('level') ?? 0} level={level.data} flashing={!!stamp('level')} />}
            {nearby.data && (
              <div data-testid="nearby-stores">
                <h3>{t('store.stock.nearby')}</h3>
                <NearbyStockElsewhere availability={nearby.data} variantId={variant.id} here={locationId} />
              </div>
            )}
          </section>
          <MovementForm
            key={variant.id}
            locationId={locationId}
            variantId={variant.id}
            level={level.data}
            destinations={(locations.data ?? []).filter((l) => l.id !== locationId)}
            onDone={(result) => {
              queryClient.setQueryData(levelKey(locationId, variant.id), result.level);
              scanRef.current?.focus();
            }}
          />
        </div>
      )}
      {!jan && <p className="empty-hint">{t('store.stock.empty')}</p>}
    </main>
  );
}

/** The other stores that have the scanned item now, nearest first (where to send the customer, or ask for a transfer). */
function NearbyStockElsewhere({
  availability,
  variantId,
  here,
}: {
  availability: ProductAvailability;
  variantId: string;
  here: string;
}) {
  const t = useT();
  const has = new Set(
    availability.items.filter((i) => i.variantId === variantId && i.available > 0).map((i) => i.locationId),
  );
  const locations = availability.locations.filter((l) => l.id !== here && l.kind === 'store' && has.has(l.id));
  if (!locations.length) return <p className="muted">{t('store.stock.nearbyNone')}</p>;
  return <NearbyStock availability={{ ...availability, locations }} variantId={variantId} stamp={() => undefined} />;
}
