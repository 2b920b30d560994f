import type { StaffPrincipal } from '../../platform/auth.ts';
import type { CardProvider } from '../payments/service.ts';

/** Inventory acts for the order module under this name (every movement still names a reference). */
export const ORDERS_ACTOR: StaffPrincipal = {
  kind: 'staff',
  staffId: 'sys_orders',
  name: 'orders',
  role: 'owner',
  locationIds: [],
};

/** What the order module is handed by the composition root (server.ts). */
export interface OrderDeps {
  card: CardProvider;
}

/** Checkout also needs the days an uncollected pickup waits: config's PICKUP_DAYS, its one default. */
export interface CheckoutDeps extends OrderDeps {
  pickupDays: number;
  /** How long the stock waits for a card the shopper confirms in her browser (STRIPE_CONFIRM_SECONDS). */
  cardConfirmSeconds?: number | undefined;
}
