import type { Db } from '../../platform/db/connection.ts';
import { CARD_SUGGESTIONS, type CardSuggestion } from '../clienteling/service.ts';
import { recommendFor } from './reads.ts';

/** The clienteling card's three suggestions: in stock at the clerk's store, not already bought. */
export async function suggestAtStore(db: Db, customerId: string, locationId: string): Promise<CardSuggestion[]> {
  const items = await recommendFor(db, customerId, { n: CARD_SUGGESTIONS, locationId });
  return items.map((r) => ({
    productId: r.productId,
    name: r.name,
    priceMin: r.priceMin,
    priceMax: r.priceMax,
    available: r.available ?? 0,
    basedOn: r.basedOn?.name ?? null,
  }));
}
