import type { Db } from '../../platform/db/connection.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { tillCatalog } from '../catalog/service.ts';
import { getBusiness, getLocation } from '../locations/service.ts';
import { offlinePromotions } from '../promotions/service.ts';

/**
 * What a store's till keeps in the browser (IndexedDB) to go on selling when the network or the server is
 * gone: every variant with its tax-included price, tax rate and category chain, the automatic promotions
 * for this store, the receipt's header, and the most it may take offline. Read while online and refreshed
 * every few minutes; the till shows its age.
 */
export async function tillOfflinePack(db: Db, actor: Principal, locationId: string, limit: number) {
  assertCanActAt(actor, locationId);
  const [location, business, catalog, promotions] = await Promise.all([
    getLocation(db, locationId),
    getBusiness(db),
    tillCatalog(db),
    offlinePromotions(db, locationId),
  ]);
  return {
    locationId,
    generatedAt: new Date().toISOString(),
    limit,
    business: { name: business.name, registrationNumber: business.registrationNumber, logo: business.logo },
    store: {
      name: location.name,
      address: `${location.prefecture}${location.city}${location.address}`,
      phone: location.phone,
    },
    variants: catalog.map((v) => ({
      id: v.id,
      jan: v.jan,
      productId: v.productId,
      name: v.productName,
      options: v.options,
      price: v.price,
      taxRate: v.taxRate,
      categoryIds: v.categoryIds,
    })),
    promotions,
  };
}
