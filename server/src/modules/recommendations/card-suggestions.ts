import type { Db } from '../../platform/db/connection.ts';
import { readPart, type ReadPart } from '../../platform/db/read-parts.ts';
import { CARD_SUGGESTIONS, type CardSuggestion } from '../clienteling/service.ts';
import { recommendPart } from './reads.ts';

/** The clienteling card's three suggestions: in stock at the clerk's store, not already bought (read with the card). */
export function suggestAtStore(db: Db, customerId: string, locationId: string): ReadPart<CardSuggestion[]> {
  const part = recommendPart(db, customerId, { n: CARD_SUGGESTIONS, locationId });
  return readPart(part.sql, async (rows: never[]) =>
    (await part.finish(rows)).map((r) => ({
      productId: r.productId,
      name: r.name,
      priceMin: r.priceMin,
      priceMax: r.priceMax,
      available: r.available ?? 0,
      basedOn: r.basedOn?.name ?? null,
    })),
  );
}
