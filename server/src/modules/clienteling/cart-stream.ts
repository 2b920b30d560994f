import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import type { StreamAdmission } from '../../platform/http/stream.ts';
import { assertActingFor } from './acting-for.ts';

/**
 * Who may follow `event: cart` on /api/stream: a member her own cart (naming no one else); a clerk one
 * member at a time, in front of her — `customerIds`, `locationIds` (her store) and `scanId` must be the
 * card's scan, as for reading the cart itself (assertActingFor).
 */
export const cartStreamAdmission =
  (db: Db): StreamAdmission =>
  async (principal, q) => {
    if (principal.kind === 'customer') {
      if (q.customerIds && [...q.customerIds].some((id) => id !== principal.customerId))
        throw new DomainError('platform.forbidden', {
          reason: 'ご自身のカートだけを見られます。',
          reasonEn: 'You can follow your own cart only.',
        });
      return;
    }
    if (principal.kind !== 'staff') throw new DomainError('platform.unauthorized');
    const [customerId, ...more] = [...(q.customerIds ?? [])];
    const [locationId, ...moreStores] = [...(q.locationIds ?? [])];
    if (!customerId || !locationId || !q.scanId || more.length || moreStores.length)
      throw new DomainError('platform.validation', {}, [
        { field: 'customerIds', message: 'one member, with locationIds (one store) and scanId' },
      ]);
    await assertActingFor(db, principal, { customerId, locationId, scanId: q.scanId });
  };
