import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { stripeSignatureValid } from '../payments/service.ts';
import type { CheckoutDeps } from './deps.ts';
import { placeUnattended } from './place-order/unattended.ts';
import { cardAttempts } from './schema.ts';
import { topUpAuthorised, topUpOfKey } from './browser-top-ups.ts';
import { callers } from '../../platform/http/openapi.ts';

const event = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({
    object: z
      .object({
        id: z.string(),
        object: z.string(),
        status: z.string().optional(),
        metadata: z.record(z.string(), z.string()).optional(),
      })
      .passthrough(),
  }),
});

/**
 * `POST /api/payments/stripe/webhook` (with CARD_PROVIDER=stripe): Stripe's events, verified by their
 * `Stripe-Signature` (HMAC-SHA256 of `t.payload` with STRIPE_WEBHOOK_SECRET, at most five minutes old) —
 * anything else is 400 and not acted on. `payment_intent.amount_capturable_updated` is authoritative: the
 * order is placed from it when the shopper's browser does not come back after Stripe.js confirmed her
 * card (tab closed, network lost) — or by her browser, whichever is first, once; an authorisation no
 * checkout is waiting for any more is cancelled at once rather than held on her card for days. Failed
 * payments and refunds are acknowledged (and logged); each event is idempotent to act on, so Stripe's
 * redeliveries are harmless.
 */
export const stripeWebhookRoutes =
  (db: Db, opts: { deps: CheckoutDeps; webhookSecret: string | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    // The signature is over the exact bytes Stripe sent: keep them (in this plugin only).
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1_000_000 }, (_req, body, done) =>
      done(null, body),
    );
    app.post(
      '/api/payments/stripe/webhook',
      {
        config: { public: true },
        schema: {
          security: callers.anyone,
          tags: ['carts'],
          summary: "Stripe's webhook (signed: Stripe-Signature)",
          description:
            'Subscribe to payment_intent.amount_capturable_updated (required: it places the order when the shopper’s browser never comes back after confirming her card), payment_intent.payment_failed and charge.refunded.',
          headers: z.object({ 'stripe-signature': z.string().max(2000).optional() }).passthrough(),
          response: { 200: z.object({ received: z.boolean() }) },
        },
      },
      async (req) => {
        if (!opts.webhookSecret) throw new DomainError('payment.stripe_not_configured', {});
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!stripeSignatureValid(raw, req.headers['stripe-signature'], opts.webhookSecret))
          throw new DomainError('payment.webhook_bad_signature', {});
        let e: z.infer<typeof event>;
        try {
          e = event.parse(JSON.parse(raw.toString('utf8')));
        } catch {
          throw new DomainError('platform.bad_request', {});
        }
        // A top-up's intent (its own branch: checkout's below is unchanged): completed here if her browser never came back.
        const topUp = topUpOfKey(e.data.object.metadata?.musubi_key);
        if (topUp && e.type === 'payment_intent.amount_capturable_updated') {
          const outcome = await topUpAuthorised(
            db,
            opts.deps.card,
            e.data.object.id,
            e.data.object.metadata!.musubi_key!,
          );
          req.log.info({ event: e.id, intent: e.data.object.id, topUp, outcome }, 'stripe: top-up authorised');
          return { received: true };
        }
        if (e.type === 'payment_intent.amount_capturable_updated') await authorised(db, opts.deps, e, req.log);
        else req.log.info({ event: e.id, type: e.type, object: e.data.object.id }, 'stripe event');
        return { received: true };
      },
    );
  };

/**
 * An intent reached `requires_capture`: authoritative, whether or not her browser comes back. Its checkout
 * attempt still waiting: her order is placed now (placeUnattended: her own checkout, as her browser
 * would; once only, whoever of the two is first). Placed already: nothing to do (capture comes at
 * handover). Undone (the window lapsed) or unknown to us: no order will ever capture it, so it is
 * cancelled now. Stripe or the database not answering: 502, and Stripe delivers the event again.
 */
async function authorised(db: Db, deps: CheckoutDeps, e: z.infer<typeof event>, log: FastifyBaseLogger) {
  const pi = e.data.object;
  const key = pi.metadata?.musubi_key;
  if (!key?.startsWith('checkout:')) return; // not made by our checkout
  const cartId = key.split(':')[1]!;
  const status = async () =>
    (
      await db
        .select({ id: cardAttempts.id, status: cardAttempts.status })
        .from(cardAttempts)
        .where(and(eq(cardAttempts.cartId, cartId), eq(cardAttempts.providerKey, key)))
    )[0];
  let attempt = await status();
  if (attempt?.status === 'authorising') {
    const done = await placeUnattended(db, deps, attempt.id);
    if (done.kind === 'retry') {
      log.warn({ event: e.id, intent: pi.id, err: String(done.error).slice(0, 200) }, 'stripe: order not placed yet');
      throw done.error;
    }
    if (done.kind === 'placed') log.info({ event: e.id, intent: pi.id, order: done.order.id }, 'stripe: order placed');
    if (done.kind === 'voided')
      log.warn({ event: e.id, intent: pi.id, reason: done.reason }, 'stripe: authorised but refused, cancelled');
    if (done.kind !== 'not_waiting') return;
    attempt = await status();
  }
  // Waiting with nothing kept to place it (begun before orders were placed here): her browser or the sweep decides.
  if (attempt && (attempt.status === 'authorising' || attempt.status === 'placed')) return;
  log.warn(
    { event: e.id, intent: pi.id, attempt: attempt?.status ?? null },
    'stripe: authorised with no checkout waiting, cancelled',
  );
  // Stripe not answering: 502, and Stripe delivers the event again later.
  await deps.card.void(pi.id).catch((err: unknown) => {
    throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
  });
}
