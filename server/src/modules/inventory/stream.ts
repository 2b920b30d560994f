import type { StreamFilter } from '../../platform/http/stream.ts';
import type { Level } from './levels.ts';

/** Stock changes: anyone may follow availability (the shop shows it); staff also see the breakdown. */
export const stockStreamFilter: StreamFilter = (event, principal, q) => {
  const level = event.data as unknown as Level;
  if (q.variantIds && !q.variantIds.has(level.variantId)) return null;
  if (q.locationIds && !q.locationIds.has(level.locationId)) return null;
  if (principal.kind === 'staff') return { ...level };
  return { variantId: level.variantId, locationId: level.locationId, available: level.available };
};
