import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { formatTime, tokyoToday } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, ProblemBanner, TextField } from '../shared/ui';
import { locationName, useLocations } from '../store/locations';
import { useSetFulfilment } from './cart';
import type { Cart, SlotList } from './types';

/** How often the slot list is asked again while open: places fill up as others order. */
const SLOTS_POLL_MS = 30_000;

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
  const stores = (locations.data ?? []).filter((l) => l.kind === 'store' && l.services.orderAhead);
  const [storeId, setStoreId] = useState<string | null>(chosen?.locationId ?? null);
  const [date, setDate] = useState(tokyoToday());
  const store = stores.find((s) => s.id === storeId) ?? (stores.length === 1 ? stores[0] : undefined);

  const slots = useQuery({
    queryKey: ['slots', store?.id, date],
    queryFn: () => call(api.GET('/api/locations/{id}/slots', { params: { path: { id: store!.id }, query: { kind: 'order_ahead', date } } })) as Promise<SlotList>,
    enabled: !!store && /^\d{4}-\d{2}-\d{2}$/.test(date),
    refetchInterval: SLOTS_POLL_MS,
  });

  const chosenStore = chosen && stores.find((s) => s.id === chosen.locationId);
  return (
    <div className="stack order-ahead">
      {chosen?.slotStart && (
        <p className="status" data-testid="order-ahead-chosen" data-slot={chosen.slotStart}>
          {t('cart.oa.chosen', { store: chosenStore ? locationName(chosenStore, lang) : (chosen.locationId ?? ''), time: formatTime(chosen.slotStart) })}
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
              {s.id === store?.id ? (
                <span className="status">{t('cart.chosen')}</span>
              ) : (
                <Button aria-label={t('cart.oa.pickStore', { name: locationName(s, lang) })} onClick={() => setStoreId(s.id)}>
                  {t('cart.choose')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {store && (
        <>
          <TextField label={t('cart.oa.date')} type="date" value={date} min={tokyoToday()} onChange={(e) => setDate(e.target.value)} />
          <h3>{t('cart.oa.slots')}</h3>
          <ProblemBanner error={slots.error} />
          {slots.isPending ? (
            <p className="muted">{t('common.loading')}</p>
          ) : slots.data && slots.data.slots.length === 0 ? (
            <p className="muted" data-testid="no-slots">
              {t('cart.oa.noSlots')}
            </p>
          ) : (
            <div className="slot-grid" role="radiogroup" aria-label={t('cart.oa.slots')}>
              {slots.data?.slots.map((s) => {
                const isChosen = chosen?.locationId === store.id && chosen.slotStart === s.start;
                const full = s.remaining <= 0;
                return (
                  <button
                    key={s.start}
                    type="button"
                    role="radio"
                    className={`slot${isChosen ? ' chosen' : ''}${full ? ' full' : ''}`}
                    aria-checked={isChosen}
                    disabled={full || setFulfilment.isPending}
                    data-slot={s.start}
                    data-remaining={s.remaining}
                    onClick={() => setFulfilment.mutate({ type: 'order_ahead', locationId: store.id, slotStart: s.start })}
                  >
                    <span className="slot-time">{t('time.range', { start: formatTime(s.start), end: formatTime(s.end) })}</span>
                    <span className="slot-left small">{full ? t('cart.oa.full') : t('cart.oa.remaining', { n: s.remaining })}</span>
                  </button>
                );
              })}
            </div>
          )}
        </>
      )}
    </div>
  );
}
