import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { customers } from './schema.ts';
import { customerView, type CustomerView } from './service.ts';
import { emitCustomerChanged } from './events.ts';

/**
 * マイストア: the store she chose in the shop becomes her home store (the one clerks, the stock filter and
 * pickup default to); null forgets it. Only an open store: not a warehouse, not a store that has closed.
 */
export async function setHomeStore(db: Db, customerId: string, locationId: string | null): Promise<CustomerView> {
  return inTransaction(db, async (tx) => {
    if (locationId) {
      const store = (await assertLocationsExist(tx, [locationId])).get(locationId);
      if (store?.kind !== 'store' || !store.active)
        throw new DomainError('locations.not_found', { locationId }, [{ field: 'locationId', message: 'not_a_store' }]);
    }
    await tx
      .update(customers)
      .set({ homeLocationId: locationId, updatedAt: sql`now()` })
      .where(eq(customers.id, customerId));
    const view = await customerView(tx, customerId);
    await emitCustomerChanged(tx, 'customer.updated', customerId, async () => view);
    return view;
  });
}
