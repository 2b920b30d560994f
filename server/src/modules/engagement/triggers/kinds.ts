import { z } from 'zod';
import { backInStock } from './back-in-stock.ts';
import { birthday } from './birthday.ts';
import { cartAbandoned } from './cart-abandoned.ts';
import type { TriggerContext } from './kind.ts';
import { nearStore } from './near-store.ts';
import { pointsExpiring } from './points-expiring.ts';
import { tierUp } from './tier-up.ts';
import { holdExpiring, pickupWaiting } from './order-reminders.ts';

/**
 * The registry of trigger kinds. Adding one (再入荷 …) is one file beside these — its settings, its
 * {{variables}}, the events or sweep that fire it through `fireTrigger` — and one line in each list here.
 */
export const triggerKinds = {
  near_store: nearStore,
  cart_abandoned: cartAbandoned,
  birthday,
  tier_up: tierUp,
  points_expiring: pointsExpiring,
  back_in_stock: backInStock,
  hold_expiring: holdExpiring,
  pickup_waiting: pickupWaiting,
} as const;

/** A trigger campaign's settings: one of the kinds' (discriminated by `kind`). */
export const triggerConfig = z.discriminatedUnion('kind', [
  nearStore.config,
  cartAbandoned.config,
  birthday.config,
  tierUp.config,
  pointsExpiring.config,
  backInStock.config,
  holdExpiring.config,
  pickupWaiting.config,
]);
export type TriggerConfig = z.infer<typeof triggerConfig>;
export type TriggerKindName = keyof typeof triggerKinds;

/** Every kind's event subscriptions, for the composition root to register. */
export function triggerSubscriptions(ctx: TriggerContext) {
  return Object.values(triggerKinds).flatMap((k) =>
    'subscriptions' in k && k.subscriptions ? k.subscriptions(ctx) : [],
  );
}

/** Every kind's periodic sweeps, for the composition root to schedule. */
export function triggerJobs(ctx: TriggerContext) {
  return Object.values(triggerKinds).flatMap((k) => ('jobs' in k && k.jobs ? k.jobs(ctx) : []));
}

/** The {{variables}} a kind's message may use. */
export function triggerVariables(kind: TriggerKindName): readonly string[] {
  return triggerKinds[kind].variables;
}
