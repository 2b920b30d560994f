import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useCustomerSession } from '../shared/customer/session';
import { api, call } from '../shared/api/client';
import type { ProductAvailability } from '../shared/api/types';
import { describeOptions, formatKm } from '../shared/format';
import { useT } from '../shared/i18n';
import { Link, navigate, useLocationPath } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import { PositionPicker } from '../shared/ui/PositionPicker';
import { useLocations } from '../shared/locations';
import { NEARBY_LOCATIONS, nearParam, useShopperPosition } from '../shared/position';
import { useCart, useSetFulfilment, useSetQuantity } from '../shared/cart';
import { OrderAheadPicker } from './OrderAheadPicker';
import { DeliveryPicker } from './DeliveryPicker';
import { AddressForm } from '../shared/customer/AddressForm';
import { formatAddress } from '../shared/format';
import { plainYen, Totals } from '../shared/ui/Totals';
import type { Cart } from '../shared/api/types';
import { oneOf } from '../shared/one-of';
import { CartCoupons } from './CartCoupons';
import { useMyStoreId } from '../shared/my-store';

const STORES_SHOWN = 5;

const MODES = ['pickup', 'ship', 'delivery', 'order_ahead'] as const;
type Mode = (typeof MODES)[number];
const HINTS = {
  pickup: 'cart.pickupHint',
  ship: 'cart.shipHint',
  delivery: 'cart.deliveryHint',
  order_ahead: 'cart.orderAheadHint',
} as const;

/** /shop/cart — the lines, the totals with 内消費税, and how to receive it (a store nearby, or delivery). */
export function CartScreen() {
  const t = useT();
  const cart = useCart();

  if (cart.isPending) return <main className="page">{t('common.loading')}</main>;
  return (
    <main className="page shop cart-page">
      <h1>{t('cart.title')}</h1>
      <ProblemBanner error={cart.error} />
      {!cart.data || cart.data.lines.length === 0 ? (
        <div className="card stack">
          <p>{t('cart.empty')}</p>
          <Link href="/shop">{t('cart.continue')}</Link>
        </div>
      ) : (
        <CartBody cart={cart.data} />
      )}
    </main>
  );
}

/**
 * A message's link `/shop/cart?pickup=loc_…` (カート放置: 「新宿店にあります」) switches the cart to pickup at that
 * store, once, and then drops the parameter — so reloading does not undo a choice she made since.
 */
function usePickupLink(cart: Cart): string | null {
  const { search } = useLocationPath();
  const wanted = search.get('pickup');
  const stores = useLocations().data;
  const setFulfilment = useSetFulfilment(cart.id);
  const done = useRef(false);
  useEffect(() => {
    if (!wanted || done.current || !stores) return;
    done.current = true;
    const store = stores.find((l) => l.id === wanted && l.kind === 'store' && l.services.pickup);
    if (store && !(cart.fulfilment?.type === 'pickup' && cart.fulfilment.locationId === store.id))
      setFulfilment.mutate({ type: 'pickup', locationId: store.id });
    navigate('/shop/cart', { replace: true });
  }, [wanted, stores, cart.fulfilment, setFulfilment]);
  return wanted;
}

function CartBody({ cart }: { cart: Cart }) {
  const t = useT();
  const member = !!useCustomerSession();
  const setQty = useSetQuantity(cart.id);
  const chosenType = cart.fulfilment?.type ?? null;
  const pickupLink = usePickupLink(cart);
  const [mode, setMode] = useState<Mode | null>(pickupLink ? 'pickup' : (oneOf(MODES, chosenType) ?? null));
  const stores = useLocations().data?.filter((l) => l.kind === 'store') ?? [];
  const anyOrderAhead = stores.some((l) => l.services.orderAhead);
  const anyDelivery = stores.some((l) => (l.services.deliveryRadiusKm ?? 0) > 0);
  const ready = !!cart.fulfilment && cart.issues.length === 0;

  return (
    <div className="cart-layout">
      <section className="stack" aria-label={t('cart.title')}>
        <ul className="cart-lines">
          {cart.lines.map((l) => (
            <li key={l.variantId} className="cart-line" data-variant={l.variantId}>
              <div className="cart-line-main">
                <Link href={`/shop/products/${l.productId}`} className="cart-line-name">
                  {l.name}
                </Link>
                <span className="muted small">
                  {describeOptions(l.options)} · {t('cart.unitPrice', { price: plainYen(l.unitPrice) })}
                </span>
              </div>
              <div className="cart-qty" role="group" aria-label={t('cart.quantity')}>
                <Button
                  aria-label={t('cart.decrease', { name: l.name })}
                  disabled={l.quantity <= 1 || setQty.isPending}
                  onClick={() => setQty.mutate({ variantId: l.variantId, quantity: l.quantity - 1 })}
                >
                  −
                </Button>
                <span className="cart-qty-n" data-testid="quantity">
                  {l.quantity}
                </span>
                <Button
                  aria-label={t('cart.increase', { name: l.name })}
                  disabled={l.quantity >= 99 || setQty.isPending}
                  onClick={() => setQty.mutate({ variantId: l.variantId, quantity: l.quantity + 1 })}
                >
                  +
                </Button>
              </div>
              <span className="cart-line-total">{plainYen(l.total - l.discount)}</span>
              <Button variant="ghost" onClick={() => setQty.mutate({ variantId: l.variantId, quantity: 0 })}>
                {t('cart.remove')}
              </Button>
            </li>
          ))}
        </ul>
        <ProblemBanner error={setQty.error} />
        {member && <CartCoupons cart={cart} />}

        <section className="card stack" aria-labelledby="how-title">
          <h2 id="how-title">{t('cart.how')}</h2>
          <div className="segmented" role="radiogroup" aria-label={t('cart.how')}>
            <button type="button" role="radio" aria-checked={mode === 'pickup'} onClick={() => setMode('pickup')}>
              {t('cart.pickup')}
            </button>
            <button type="button" role="radio" aria-checked={mode === 'ship'} onClick={() => setMode('ship')}>
              {t('cart.ship')}
            </button>
            {(anyDelivery || mode === 'delivery') && (
              <button type="button" role="radio" aria-checked={mode === 'delivery'} onClick={() => setMode('delivery')}>
                {t('cart.delivery')}
              </button>
            )}
            {(anyOrderAhead || mode === 'order_ahead') && (
              <button
                type="button"
                role="radio"
                aria-checked={mode === 'order_ahead'}
                onClick={() => setMode('order_ahead')}
              >
                {t('cart.orderAhead')}
              </button>
            )}
          </div>
          <p className="muted small">{t(HINTS[mode ?? 'pickup'])}</p>
          {mode === 'pickup' && <PickupStores cart={cart} />}
          {mode === 'order_ahead' && <OrderAheadPicker cart={cart} />}
          {mode === 'delivery' && <DeliveryPicker cart={cart} />}
          {mode === 'ship' && <ShipForm cart={cart} />}
          <Issues cart={cart} />
        </section>
      </section>

      <aside className="card stack cart-summary">
        <Totals
          {...cart}
          showShipping={chosenType === 'ship' || chosenType === 'delivery'}
          feeLabel={chosenType === 'delivery' ? 'cart.deliveryFee' : 'cart.shipping'}
        />
        <p className="muted small">
          {member ? (
            <>
              {t('cart.points')}: <strong>{t('cart.pointsValue', { n: cart.pointsToEarn })}</strong>
            </>
          ) : (
            t('cart.pointsGuest')
          )}
        </p>
        {!cart.fulfilment && <p className="muted small">{t('cart.chooseFirst')}</p>}
        <Button variant="primary" size="lg" disabled={!ready} onClick={() => navigate('/shop/checkout')}>
          {t('cart.checkout')}
        </Button>
      </aside>
    </div>
  );
}

type StoreRow = { id: string; name: string; distanceKm: number | null; ok: boolean };

/** The nearest stores that offer pickup, each saying whether it has everything in the cart now. */
function PickupStores({ cart }: { cart: Cart }) {
  const t = useT();
  const where = useShopperPosition();
  const near = nearParam(where.position);
  const setFulfilment = useSetFulfilment(cart.id);
  const productIds = [...new Set(cart.lines.map((l) => l.productId))];
  const myStore = useMyStoreId();
  // マイストア listed too when it is not among the nearest: she would pick up there anyway.
  const also = myStore ?? undefined;
  const availability = useQueries({
    queries: productIds.map((id) => ({
      queryKey: ['availability', id, near, also],
      queryFn: () =>
        call(
          api.GET('/api/products/{id}/availability', {
            params: { path: { id }, query: { near, limit: NEARBY_LOCATIONS, also } },
          }),
        ),
    })),
  });
  const data = availability.map((a) => a.data).filter((d): d is ProductAvailability => !!d);
  const pending = availability.some((a) => a.isPending);
  const chosen = cart.fulfilment?.type === 'pickup' ? cart.fulfilment.locationId : null;

  let rows: StoreRow[] = [];
  if (!pending && data.length) {
    const level = new Map(
      data.flatMap((d) => d.items.map((i) => [`${i.variantId}|${i.locationId}`, i.available] as const)),
    );
    rows = data[0]!.locations
      .filter((l) => l.kind === 'store' && l.services.pickup)
      .map((l) => ({
        id: l.id,
        name: l.name,
        distanceKm: l.distanceKm,
        ok: cart.lines.every((line) => (level.get(`${line.variantId}|${l.id}`) ?? 0) >= line.quantity),
      }))
      // マイストア first: the pickup store she would choose anyway.
      .sort((a, b) => Number(b.id === myStore) - Number(a.id === myStore))
      .slice(0, STORES_SHOWN);
  }

  return (
    <div className="stack">
      <h3>{t('cart.stores')}</h3>
      <PositionPicker {...where} />
      <ProblemBanner error={availability.find((a) => a.error)?.error ?? setFulfilment.error} />
      {pending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : rows.length === 0 ? (
        <p className="muted">{t('cart.noStores')}</p>
      ) : (
        <ul className="pickup-stores">
          {rows.map((r) => (
            <li
              key={r.id}
              className={`pickup-store${r.id === chosen ? ' chosen' : ''}`}
              data-location={r.id}
              data-ok={r.ok}
            >
              <div>
                <strong>{r.name}</strong>
                <span className="muted small"> {formatKm(r.distanceKm)}</span>
                <div className={`stock ${r.ok ? 'stock-ok' : 'stock-none'}`}>
                  {r.ok ? t('cart.allInStock') : t('cart.partStock')}
                </div>
              </div>
              {r.id === chosen ? (
                <span className="status">{t('cart.chosen')}</span>
              ) : (
                <Button
                  aria-label={`${r.name}: ${t('cart.choose')}`}
                  onClick={() => setFulfilment.mutate({ type: 'pickup', locationId: r.id })}
                  busy={
                    setFulfilment.isPending &&
                    setFulfilment.variables?.type === 'pickup' &&
                    setFulfilment.variables.locationId === r.id
                  }
                >
                  {t('cart.choose')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What the chosen store (or the warehouse) cannot supply, with the other stores and sizes that can. */
function Issues({ cart }: { cart: Cart }) {
  const t = useT();
  const qc = useQueryClient();
  const member = !!useCustomerSession();
  const setFulfilment = useSetFulfilment(cart.id);
  const swap = useMutation({
    mutationFn: async ({ from, to, quantity }: { from: string; to: string; quantity: number }) => {
      await call(
        api.PUT('/api/carts/{id}/lines/{variantId}', {
          params: { path: { id: cart.id, variantId: from } },
          body: { quantity: 0 },
        }),
      );
      return call(
        api.POST('/api/carts/{id}/lines', { params: { path: { id: cart.id } }, body: { variantId: to, quantity } }),
      );
    },
    onSuccess: (next) => qc.setQueryData(member ? ['account', 'cart'] : ['cart', cart.id], next),
  });
  if (!cart.issues.length) return null;
  return (
    <div className="stack" data-testid="cart-issues">
      <ProblemBanner error={setFulfilment.error ?? swap.error} />
      {cart.issues.map((issue) => {
        const line = cart.lines.find((l) => l.variantId === issue.variantId);
        return (
          <div key={issue.variantId} className="banner banner-error issue">
            <p>
              {t('cart.issue', {
                name: line?.name ?? issue.variantId,
                options: line ? describeOptions(line.options) : '',
                available: issue.available,
                requested: issue.requested,
              })}
            </p>
            {issue.alternatives.locations.length > 0 && (
              <>
                <p className="small">{t('cart.altStores')}</p>
                <ul className="plain-list">
                  {issue.alternatives.locations.map((l) => (
                    <li key={l.locationId}>
                      {l.name} ({l.available}){' '}
                      <Button
                        variant="ghost"
                        onClick={() => setFulfilment.mutate({ type: 'pickup', locationId: l.locationId })}
                      >
                        {t('cart.choose')}
                      </Button>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {issue.alternatives.variants.length > 0 && (
              <>
                <p className="small">{t('cart.altVariants')}</p>
                <ul className="plain-list">
                  {issue.alternatives.variants.map((v) => (
                    <li key={v.variantId}>
                      {describeOptions(v.options)} ({v.available}){' '}
                      <Button
                        variant="ghost"
                        busy={swap.isPending}
                        onClick={() =>
                          swap.mutate({ from: issue.variantId, to: v.variantId, quantity: issue.requested })
                        }
                      >
                        {t('cart.switchVariant')}
                      </Button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}

function ShipForm({ cart }: { cart: Cart }) {
  const t = useT();
  const setFulfilment = useSetFulfilment(cart.id);
  const current = cart.fulfilment?.type === 'ship' ? cart.fulfilment.address : null;
  return (
    <>
      {current && <p data-testid="ship-to">{t('cart.shipTo', { address: formatAddress(current) })}</p>}
      {current && cart.shipments && cart.shipments.length > 1 && (
        <div className="banner stack" data-testid="shipments" data-count={cart.shipments.length}>
          <p>{t('cart.split', { n: cart.shipments.length })}</p>
          <ul className="plain-list small">
            {cart.shipments.map((s) => (
              <li key={s.locationId} data-location={s.locationId}>
                {s.name}:{' '}
                {s.lines
                  .map((l) => cart.lines.find((x) => x.variantId === l.variantId)?.name ?? l.variantId)
                  .join('、')}
              </li>
            ))}
          </ul>
        </div>
      )}
      <AddressForm
        initial={current}
        error={setFulfilment.error}
        busy={setFulfilment.isPending}
        onSave={(address) => setFulfilment.mutate({ type: 'ship', address })}
      />
    </>
  );
}
