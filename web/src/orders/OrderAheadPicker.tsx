import { useState } from 'react';
import { formatKm, formatTime } from '../shared/format';
import { kmBetween, useShopperPosition } from '../shared/position';
import { useLang, useT } from '../shared/i18n';
import { Button, ProblemBanner } from '../shared/ui';
import { locationName, useLocations } from '../shared/locations';
import { useSetFulfilment } from '../shared/cart';
import { SlotGrid } from './SlotGrid';
import type { Cart } from '../shared/api/types';
import { useMyStoreId } from '../shared/my-store';

/**
 * モバイルオーダー: a store with order-ahead, a day (today by default) and one of its 10-minute slots. Choosing
 * a slot sets the cart's fulfilment to {type: 'order_ahead', locationId, slotStart}; a full slot is disabled.
 */
export function OrderAheadPicker({ cart }: { cart: Cart }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const setFulfilment = useSetFulfilment(cart.id);
  const chosen = cart.fulfilment?.type === 'order_ahead' ? cart.fulfilment : null;
  const { position } = useShopperPosition();
  const mine = useMyStoreId();
  // マイストア first (marked), then nearest first from where she is (or the station she picked): a Shibuya
  // shopper sees Shibuya, not Osaka.
  const stores = (locations.data ?? [])
    .filter((l) => l.kind === 'store' && l.services.orderAhead)
    .map((l) => ({ ...l, km: kmBetween(position, l) }))
    .sort((a, b) => Number(b.id === mine) - Number(a.id === mine) || a.km - b.km);
  const [storeId, setStoreId] = useState<string | null>(
    chosen?.locationId ?? (stores.some((s) => s.id === mine) ? mine : null),
  );
  const store = stores.find((s) => s.id === storeId) ?? (stores.length === 1 ? stores[0] : undefined);

  const chosenStore = chosen && stores.find((s) => s.id === chosen.locationId);
  return (
    <div className="stack order-ahead">
      {chosen?.slotStart && (
        <p className="status" data-testid="order-ahead-chosen" data-slot={chosen.slotStart}>
          {t('cart.oa.chosen', {
            store: chosenStore ? locationName(chosenStore, lang) : (chosen.locationId ?? ''),
            time: formatTime(chosen.slotStart),
          })}
        </p>
      )}
      <h3>{t('cart.oa.stores')}</h3>
      <ProblemBanner error={locations.error ?? setFulfilment.error} />
      {locations.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : stores.length === 0 ? (
        <p className="muted">{t('cart.oa.noStores')}</p>
      ) : (
        <ul className="pickup-stores">
          {stores.map((s) => (
            <li key={s.id} className={`pickup-store${s.id === store?.id ? ' chosen' : ''}`} data-location={s.id}>
              <strong>{locationName(s, lang)}</strong>
              {s.id === mine && (
                <span className="my-store-mark" data-testid="my-store-mark">
                  {t('mystore.marked')}
                </span>
              )}
              <span className="muted small">{formatKm(s.km)}</span>
              {s.id === store?.id ? (
                <span className="status">{t('cart.chosen')}</span>
              ) : (
                <Button
                  aria-label={t('cart.oa.pickStore', { name: locationName(s, lang) })}
                  onClick={() => setStoreId(s.id)}
                >
                  {t('cart.choose')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {store && (
        <SlotGrid
          key={store.id}
          locationId={store.id}
          kind="order_ahead"
          chosen={chosen?.locationId === store.id ? (chosen.slotStart ?? null) : null}
          busy={setFulfilment.isPending}
          onPick={(slotStart) => setFulfilment.mutate({ type: 'order_ahead', locationId: store.id, slotStart })}
          labels={{ date: 'cart.oa.date', slots: 'cart.oa.slots', none: 'cart.oa.noSlots' }}
        />
      )}
    </div>
  );
}
