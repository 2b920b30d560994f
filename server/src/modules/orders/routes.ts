import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import type { MemberCodeKey } from '../customers/service.ts';
import { accountOrderRoutes } from './account-orders-routes.ts';
import { cartRoutes } from './carts-routes.ts';
import { cartCouponRoutes } from './cart-coupons.ts';
import type { CheckoutDeps } from './deps.ts';
import { checkoutRoutes } from './checkout-routes.ts';
import { holdRoutes } from './holds-routes.ts';
import { stripeWebhookRoutes } from './stripe-webhook-routes.ts';
import { ordersRoutes } from './orders-routes.ts';
import { posRoutes } from './pos-routes.ts';
import { returnRoutes } from './returns-routes.ts';
import { slotRoutes } from './slots-routes.ts';
import { tillSessionRoutes } from './till-sessions-routes.ts';
import { walletTopUpRoutes } from './wallet-top-ups-routes.ts';

/** Every orders route, one file per resource; request and answer shapes in schemas.ts. */
export const orderRoutes =
  (
    db: Db,
    deps: CheckoutDeps & {
      memberKey: MemberCodeKey;
      tillOfflineLimit: number;
      printerTimeoutMs: number;
      stripeWebhookSecret?: string | undefined;
    },
  ): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(cartRoutes(db));
    await app.register(cartCouponRoutes(db));
    await app.register(checkoutRoutes(db, deps));
    await app.register(holdRoutes(db, deps));
    await app.register(stripeWebhookRoutes(db, { deps, webhookSecret: deps.stripeWebhookSecret }));
    await app.register(ordersRoutes(db, deps));
    await app.register(accountOrderRoutes(db));
    await app.register(slotRoutes(db));
    await app.register(posRoutes(db, deps.memberKey, deps.tillOfflineLimit));
    await app.register(returnRoutes(db, deps));
    await app.register(tillSessionRoutes(db));
    await app.register(walletTopUpRoutes(db, deps));
  };
