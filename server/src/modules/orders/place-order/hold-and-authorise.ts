import type { Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { DomainError } from '../../../platform/errors.ts';
import { finishIn, reserveStock, type Reservation, type ReserveInput } from '../../inventory/service.ts';
import type { CardInput, CardProvider } from '../../payments/service.ts';
import { ORDERS_ACTOR } from '../deps.ts';
import { beginCardAttempt, markVoided } from './card-attempts.ts';

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
  /** The card attempt recorded before anything was held (card-attempts.ts): the order's statement marks it placed. */
  attemptId: string | null;
  /**
   * The undo: release the holds and void the authorisation (each best effort: what is left is the sweep's,
   * once the attempt's lease lapses).
   */
  undo(): Promise<void>;
  /** The checkout is over (placed or undone): stop renewing the attempt's lease. */
  end(): void;
}

/**
 * Step 2 — record the attempt, hold the stock and authorise the card (undo: release and void). A declined
 * card is 402 payment.declined, after which the holds are released. The attempt is written first, naming
 * the holds and the acquirer key, so a process killed anywhere in this step strands nothing: the sweep
 * (voidAbandonedAttempts) undoes what its owner can no longer undo.
 */
export async function holdAndAuthorise(
  db: Db,
  provider: CardProvider,
  input: { cartId: string; amount: number; card: CardInput; reservations: Array<Omit<ReserveInput, 'ttlSeconds'>> },
): Promise<Authorised> {
  const attempt = await beginCardAttempt(db, {
    cartId: input.cartId,
    provider: provider.name,
    holds: input.reservations.length,
  });
  const done: Authorised = {
    held: [],
    charge: null,
    attemptId: attempt.id,
    end: attempt.end,
    async undo() {
      let clean = true;
      const failed = () => {
        clean = false;
      };
      await Promise.all(
        done.held.map((r) =>
          inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, r.id, 'released', { alreadyEndedOk: true })).catch(
            failed,
          ),
        ),
      );
      if (done.charge) await provider.void(done.charge.chargeId).catch(failed);
      // Anything left undone stays the attempt's: the sweep finishes it once the lease lapses.
      if (clean) await markVoided(db, attempt.id, done.charge?.chargeId ?? null).catch(() => {});
    },
  };
  try {
    for (const [i, r] of input.reservations.entries())
      done.held.push(
        await reserveStock(db, ORDERS_ACTOR, {
          ...r,
          id: attempt.reservationIds[i],
          ttlSeconds: CHECKOUT_HOLD_SECONDS,
        }),
      );
    const auth = await provider.authorize({
      amount: input.amount,
      card: input.card,
      idempotencyKey: attempt.providerKey,
    });
    if (!auth.ok) throw new DomainError('payment.declined', { declineCode: auth.code });
    done.charge = auth;
    return done;
  } catch (err) {
    await done.undo();
    attempt.end();
    throw err;
  }
}

/** Nothing to hold or authorise (no card, or nothing left to pay): nothing to undo. */
export const nothingHeld: Authorised = { held: [], charge: null, attemptId: null, undo: async () => {}, end: () => {} };
