import type { Executor } from '../../platform/db/connection.ts';
import { getVariants } from '../catalog/service.ts';
import { memberCards } from '../customers/service.ts';
import type { Reservation } from './reservations.ts';

export interface LabelledReservation extends Omit<Reservation, 'lines'> {
  /** Whose hold it is (a hold's reference is the member): her name, for the clerk. */
  holder: string | null;
  lines: Array<Reservation['lines'][number] & { name: string; options: Record<string, string>; jan: string }>;
}

/**
 * The store's list of what keeps its stock in words: the product and its options instead of a variant id,
 * and the member a hold is for instead of her id (a clerk reads names, not `var_…` / `cus_…`).
 */
export async function labelReservations(db: Executor, list: Reservation[]): Promise<LabelledReservation[]> {
  const info = await getVariants(
    db,
    list.flatMap((r) => r.lines.map((l) => l.variantId)),
  );
  const holderIds = [...new Set(list.filter((r) => r.reason === 'hold' && r.reference).map((r) => r.reference!))];
  const cards = await memberCards(db, holderIds);
  return list.map((r) => ({
    ...r,
    holder: r.reason === 'hold' && r.reference ? (cards.get(r.reference)?.name ?? null) : null,
    lines: r.lines.map((l) => {
      const v = info.get(l.variantId)!;
      return { ...l, name: v.productName, options: v.options, jan: v.jan };
    }),
  }));
}
