import type { Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { DomainError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { finishIn, reserveStock, type Reservation, type ReserveInput } from '../../inventory/service.ts';
import type { CardInput, CardProvider } from '../../payments/service.ts';
import { ORDERS_ACTOR } from '../deps.ts';

/**
 * With a card, how long the stock is held on its own while the acquirer answers (no lock waits on the
 * acquirer); the order's statement then extends that hold to the order's keep-until. Without a card
 * nothing is held beforehand: the order's statement reserves the stock itself. (Not how long a pickup
 * waits: that is config's PICKUP_DAYS.)
 */
export const CHECKOUT_HOLD_SECONDS = 300;

export interface Authorised {
  /** One reservation per source of stock, in the order of the sources (empty without a card). */
  held: Reservation[];
  charge: { chargeId: string; last4: string } | null;
  /** The undo: release the holds and void the authorisation (each best effort: a hold lapses by itself). */
  undo(): Promise<void>;
}

/**
 * Step 2 — hold the stock and authorise the card (undo: release and void). A declined card is
 * 402 payment.declined, after which the holds are released.
 */
export async function holdAndAuthorise(
  db: Db,
  provider: CardProvider,
  input: { cartId: string; amount: number; card: CardInput; reservations: Array<Omit<ReserveInput, 'ttlSeconds'>> },
): Promise<Authorised> {
  const done: Authorised = {
    held: [],
    charge: null,
    async undo() {
      await Promise.all(
        done.held.map((r) =>
          inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, r.id, 'released', { alreadyEndedOk: true })).catch(
            () => {},
          ),
        ),
      );
      if (done.charge) await provider.void(done.charge.chargeId).catch(() => {});
    },
  };
  try {
    for (const r of input.reservations)
      done.held.push(await reserveStock(db, ORDERS_ACTOR, { ...r, ttlSeconds: CHECKOUT_HOLD_SECONDS }));
    const auth = await provider.authorize({
      amount: input.amount,
      card: input.card,
      idempotencyKey: `checkout:${input.cartId}:${newId('att')}`,
    }); // per attempt: a declined or voided attempt must not answer the next one
    if (!auth.ok) throw new DomainError('payment.declined', { declineCode: auth.code });
    done.charge = auth;
    return done;
  } catch (err) {
    await done.undo();
    throw err;
  }
}

/** Nothing to hold or authorise (no card, or nothing left to pay): nothing to undo. */
export const nothingHeld: Authorised = { held: [], charge: null, undo: async () => {} };
