import { formatKm } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { PositionPicker } from '../shared/ui/PositionPicker';
import { useShopperPosition } from '../shared/position';
import { locationName, useLocations } from '../shared/locations';
import { AddressForm } from '../shared/customer/AddressForm';
import { useSetFulfilment } from '../shared/cart';
import { SlotGrid } from './SlotGrid';
import { plainYen } from '../shared/ui/Totals';
import type { Cart } from '../shared/api/types';

/**
 * 近隣配達: the address and its pin (a station or the device's location — Musubi does not geocode), which
 * picks the nearest store that delivers there; then one of that store's 30-minute delivery windows.
 */
export function DeliveryPicker({ cart }: { cart: Cart }) {
  const t = useT();
  const lang = useLang();
  const where = useShopperPosition();
  const setFulfilment = useSetFulfilment(cart.id);
  const chosen = cart.fulfilment?.type === 'delivery' ? cart.fulfilment : null;
  const store = useLocations().data?.find((l) => l.id === chosen?.locationId);

  return (
    <div className="stack delivery">
      {chosen?.locationId && (
        <p className="status" data-testid="delivery-from" data-location={chosen.locationId}>
          {t('delivery.from', {
            store: store ? locationName(store, lang) : chosen.locationId,
            km: formatKm(chosen.distanceKm ?? null),
            fee: cart.shippingFee === 0 ? t('cart.free') : plainYen(cart.shippingFee),
          })}
        </p>
      )}
      <AddressForm
        initial={chosen?.address}
        error={setFulfilment.error}
        busy={setFulfilment.isPending}
        onSave={(a) =>
          setFulfilment.mutate({
            type: 'delivery',
            address: { ...a, lat: where.position.lat, lng: where.position.lng },
          })
        }
      >
        <PositionPicker {...where} label={t('delivery.pin')} />
        <p className="muted small">{t('delivery.pinHint')}</p>
      </AddressForm>
      {chosen?.locationId && chosen.address && (
        <SlotGrid
          key={chosen.locationId}
          locationId={chosen.locationId}
          kind="delivery"
          chosen={chosen.slotStart ?? null}
          busy={setFulfilment.isPending}
          onPick={(slotStart) =>
            setFulfilment.mutate({
              type: 'delivery',
              address: chosen.address!,
              locationId: chosen.locationId!,
              slotStart,
            })
          }
          labels={{ date: 'delivery.date', slots: 'delivery.windows', none: 'delivery.noWindows' }}
        />
      )}
    </div>
  );
}
