import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { availabilityAtLocation } from '../inventory/service.ts';
import { distanceKm, getLocation, listLocations, type Location } from '../locations/service.ts';
import type { Address } from './schema.ts';
import { assertOffers } from './slots.ts';
import './problems.ts';

/**
 * Local delivery (近隣配達, the Hema promise: groceries from the store nearby within the hour). A store
 * delivers when it has a delivery radius (services.deliveryRadiusKm); the address must lie within it,
 * measured in a straight line from the store to the address's pin (lat/lng — the app sends the pin the
 * shopper confirmed; Musubi does not geocode addresses itself).
 */

export interface DeliveryOrigin {
  location: Location;
  distanceKm: number;
}

type Pin = { lat: number; lng: number };

/** The address's pin; a missing address or pin is a 400 naming the field. */
function pinOf(address: Address | null | undefined): Pin {
  if (!address) throw new DomainError('platform.validation', {}, [{ field: 'address', message: 'required' }]);
  if (typeof address.lat !== 'number' || typeof address.lng !== 'number') {
    throw new DomainError('platform.validation', {}, [
      { field: typeof address.lat !== 'number' ? 'address.lat' : 'address.lng', message: 'required' },
    ]);
  }
  return { lat: address.lat, lng: address.lng };
}

/** Active stores whose delivery radius covers the pin, nearest first. */
export async function storesDeliveringTo(db: Db, pin: Pin): Promise<DeliveryOrigin[]> {
  const stores = await listLocations(db, { near: pin, kind: 'store' });
  return stores
    .filter((l) => (l.services.deliveryRadiusKm ?? 0) > 0 && l.distanceKm! <= l.services.deliveryRadiusKm!)
    .map(({ distanceKm: d, ...location }) => ({ location, distanceKm: d! }));
}

/**
 * The store a delivery comes from. A chosen store must deliver and cover the address (409
 * delivery.not_offered / delivery.out_of_area). Otherwise the nearest covering store that has every
 * line in stock now, or failing that the nearest covering one (the cart then shows what it lacks).
 */
export async function deliveryOrigin(
  db: Db,
  address: Address | null | undefined,
  lines: ReadonlyArray<{ variantId: string; quantity: number }>,
  locationId?: string | null,
): Promise<DeliveryOrigin> {
  const pin = pinOf(address);
  if (locationId) {
    const location = await getLocation(db, locationId);
    assertOffers(location, 'delivery');
    const d = distanceKm(location, pin);
    const radiusKm = location.services.deliveryRadiusKm!;
    if (d > radiusKm)
      throw new DomainError('delivery.out_of_area', { locationId, name: location.name, distanceKm: d, radiusKm });
    return { location, distanceKm: d };
  }
  const covering = await storesDeliveringTo(db, pin);
  if (!covering.length) throw new DomainError('delivery.out_of_area', {});
  if (lines.length) {
    for (const origin of covering) {
      const levels = new Map(
        (
          await availabilityAtLocation(
            db,
            origin.location.id,
            lines.map((l) => l.variantId),
          )
        ).map((l) => [l.variantId, l.available]),
      );
      if (lines.every((l) => (levels.get(l.variantId) ?? 0) >= l.quantity)) return origin;
    }
  }
  return covering[0]!;
}
