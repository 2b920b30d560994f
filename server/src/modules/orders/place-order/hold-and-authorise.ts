import type { Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { Refused, writeTogether } from '../../../platform/db/together.ts';
import { DomainError } from '../../../platform/errors.ts';
import { actorId } from '../../../platform/auth.ts';
import {
  finishIn,
  reserveInStatement,
  stockRefusalOf,
  stockRefusalProblem,
  type Reservation,
  type ReserveInput,
} from '../../inventory/service.ts';
import type { CardInput, CardProvider } from '../../payments/service.ts';
import { ORDERS_ACTOR } from '../deps.ts';
import { cardAttempts } from '../schema.ts';
import { attemptInsert, keepLease, markVoided, newCardAttempt, type NewAttempt } from './card-attempts.ts';

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
  /** The card attempt recorded with the holds (card-attempts.ts): the order's statement marks it placed. */
  attemptId: string | null;
  /**
   * The undo: release the holds and void the authorisation (each best effort: what is left is the sweep's,
   * once the attempt's lease lapses).
   */
  undo(): Promise<void>;
  /** The checkout is over (placed or undone): stop renewing the attempt's lease. */
  end(): void;
}

export type Holds = Array<Omit<ReserveInput, 'ttlSeconds'>>;

/**
 * Step 2 — hold the stock and authorise the card (undo: release and void). A declined card is
 * 402 payment.declined, after which the holds are released. The holds are made in one statement with the
 * attempt's record (its holds' ids and the acquirer key), so a process killed anywhere in this step strands
 * nothing: the sweep (voidAbandonedAttempts) undoes what its owner can no longer undo.
 */
export async function holdAndAuthorise(
  db: Db,
  provider: CardProvider,
  input: { cartId: string; amount: number; card: CardInput; reservations: Holds },
): Promise<Authorised> {
  const attempt = newCardAttempt({ cartId: input.cartId, provider: provider.name, holds: input.reservations.length });
  const held = await holdWithAttempt(db, attempt, input.reservations);
  const end = keepLease(db, attempt.id);
  const done: Authorised = {
    held,
    charge: null,
    attemptId: attempt.id,
    end,
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
    end();
    throw err;
  }
}

/**
 * The holds (CHECKOUT_HOLD_SECONDS, or `window` for a card the shopper confirms in her browser) and the attempt's row in one statement: all or nothing. A shortage
 * is 409 inventory.insufficient_stock naming the line; one caused by a hold that had lapsed (given back
 * when looked at) is tried once more.
 */
export async function holdWithAttempt(
  db: Db,
  attempt: NewAttempt,
  holds: Holds,
  window: { holdSeconds?: number; leaseMs?: number } = {},
  lastTry = false,
): Promise<Reservation[]> {
  const until = new Date(Date.now() + (window.holdSeconds ?? CHECKOUT_HOLD_SECONDS) * 1000);
  const make = holds.map((input, i) => ({ id: attempt.reservationIds[i]!, input }));
  const stock = reserveInStatement(ORDERS_ACTOR, make, [], until);
  try {
    const written = await writeTogether(
      db,
      { attempt: [cardAttempts, attemptInsert(attempt, window.leaseMs)] },
      { with: stock.with, precheck: () => stock.precheck, check: () => stock.refusal, also: () => stock.also },
    );
    const createdAt = written.attempt[0]!.createdAt;
    return make.map(({ id, input }) => ({
      id,
      status: 'active' as const,
      reason: input.reason,
      reference: input.reference ?? null,
      expiresAt: until,
      createdAt,
      createdBy: actorId(ORDERS_ACTOR),
      lines: input.lines,
    }));
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const refusal = stockRefusalOf(err.reason, []);
    if (!refusal) throw err;
    const problem = await stockRefusalProblem(db, refusal);
    if (problem) throw problem;
    if (!lastTry) return holdWithAttempt(db, attempt, holds, window, true);
    const line = holds[0]!.lines[0]!;
    throw new DomainError('inventory.insufficient_stock', {
      variantId: line.variantId,
      locationId: line.locationId,
      requested: line.quantity,
      available: 0,
    });
  }
}

/** Nothing to hold or authorise (no card, or nothing left to pay): nothing to undo. */
export const nothingHeld: Authorised = { held: [], charge: null, attemptId: null, undo: async () => {}, end: () => {} };
