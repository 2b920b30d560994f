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
import { topUpAuthorised, topUpCaptured, topUpOfKey } from './browser-top-ups.ts';
import { callers } from '../../platform/http/openapi.ts';

/**
 * Any event Stripe sends: acknowledged, so an endpoint subscribed to more than we act on (or to every
 * event) never fails — Stripe disables an endpoint that keeps failing. Some objects have no id (`balance`),
 * and Stripe's "thin" events carry no `data` at all.
 */
const envelope = z.object({
  id: z.string(),
  type: z.string(),
  data: z
    .object({ object: z.object({ id: z.string().optional() }).passthrough().optional() })
    .passthrough()
    .optional(),
});

/** The events acted on: an intent authorised (an order placed, a top-up completed), or captured (a top-up credited). */
const INTENT_EVENTS = ['payment_intent.amount_capturable_updated', 'payment_intent.succeeded'];

/** The intent of those events, as far as it is read here. */
const intentObject = z
  .object({
    id: z.string().startsWith('pi_'),
    object: z.literal('payment_intent'),
    status: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

type IntentEvent = { id: string; type: string; data: { object: z.infer<typeof intentObject> } };

/** The body as an event: not JSON is 400 platform.invalid_json; not an event (or not an intent where one is acted on) 400 platform.validation. */
function parseEvent(raw: Buffer): { event: z.infer<typeof envelope>; intent: IntentEvent | null } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new DomainError('platform.invalid_json', {});
  }
  const invalid = (err: z.ZodError, prefix = '') =>
    new DomainError(
      'platform.validation',
      {},
      err.issues.map((i) => ({ field: prefix + i.path.join('.'), message: i.message })),
    );
  const e = envelope.safeParse(json);
  if (!e.success) throw invalid(e.error);
  if (!INTENT_EVENTS.includes(e.data.type)) return { event: e.data, intent: null };
  const pi = intentObject.safeParse(e.data.data?.object);
  if (!pi.success) throw invalid(pi.error, 'data.object.');
  return { event: e.data, intent: { id: e.data.id, type: e.data.type, data: { object: pi.data } } };
}

/**
 * `POST /api/payments/stripe/webhook` (with CARD_PROVIDER=stripe): Stripe's events, verified by their
 * `Stripe-Signature` (HMAC-SHA256 of `t.payload` with STRIPE_WEBHOOK_SECRET, at most five minutes old) —
 * anything else is 400 and not acted on. `payment_intent.amount_capturable_updated` is authoritative: the
 * order is placed from it when the shopper's browser does not come back after Stripe.js confirmed her
 * card (tab closed, network lost) — or by her browser, whichever is first, once; an authorisation of ours
 * that no checkout is waiting for any more is cancelled at once rather than held on her card for days (one
 * this installation never made — another shop or staging on the same Stripe account — is left alone).
 * `payment_intent.succeeded` of a top-up credits one whose completion died between capture and credit.
 * Every other event is acknowledged (and logged); each is idempotent to act on, so Stripe's redeliveries
 * are harmless.
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
            'Subscribe to payment_intent.amount_capturable_updated (required: it places the order, or completes the wallet top-up, when the shopper’s browser never comes back after confirming her card) and payment_intent.succeeded (a top-up captured but not yet credited is credited at once); payment_intent.payment_failed and charge.refunded are logged. Every other event is acknowledged.',
          headers: z.object({ 'stripe-signature': z.string().max(2000).optional() }).passthrough(),
          response: { 200: z.object({ received: z.boolean() }) },
        },
      },
      async (req) => {
        if (!opts.webhookSecret) throw new DomainError('payment.stripe_not_configured', {});
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!stripeSignatureValid(raw, req.headers['stripe-signature'], opts.webhookSecret))
          throw new DomainError('payment.webhook_bad_signature', {});
        const { event, intent: e } = parseEvent(raw);
        if (!e) {
          req.log.info({ event: event.id, type: event.type, object: event.data?.object?.id ?? null }, 'stripe event');
          return { received: true };
        }
        // A top-up's intent (its own branch): authorised — completed here if her browser never came back;
        // captured — credited here if the completion that captured it died before crediting.
        const key = e.data.object.metadata?.musubi_key;
        const topUp = topUpOfKey(key);
        const authorisedNow = e.type === 'payment_intent.amount_capturable_updated';
        if (topUp) {
          const outcome = await (authorisedNow ? topUpAuthorised : topUpCaptured)(
            db,
            opts.deps.card,
            e.data.object.id,
            key!,
          );
          req.log.info({ event: e.id, type: e.type, intent: e.data.object.id, topUp, outcome }, 'stripe: top-up');
          return { received: true };
        }
        // An order's intent captured: by its handover, which recorded it already.
        if (authorisedNow) await authorised(db, opts.deps, e, req.log);
        else req.log.info({ event: e.id, type: e.type, intent: e.data.object.id }, 'stripe event');
        return { received: true };
      },
    );
  };

/**
 * An intent reached `requires_capture`: authoritative, whether or not her browser comes back. Its checkout
 * attempt still waiting: her order is placed now (placeUnattended: her own checkout, as her browser
 * would; once only, whoever of the two is first). Placed already: nothing to do (capture comes at
 * handover). Undone (the window lapsed): no order will ever capture it, so it is cancelled now. Unknown to
 * us (no attempt has its key): another installation's on the same Stripe account, acknowledged and left
 * alone. Stripe or the database not answering: 502, and Stripe delivers the event again.
 */
async function authorised(db: Db, deps: CheckoutDeps, e: IntentEvent, log: FastifyBaseLogger) {
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
  // No attempt of ours has this key (each is recorded before its intent is made, and outlives it): another
  // installation's on the same Stripe account — staging beside production, two shops — is not ours to cancel.
  if (!attempt) {
    log.info({ event: e.id, intent: pi.id }, 'stripe: not our checkout, left alone');
    return;
  }
  log.warn(
    { event: e.id, intent: pi.id, attempt: attempt.status },
    'stripe: authorised with no checkout waiting, cancelled',
  );
  // Stripe not answering: 502, and Stripe delivers the event again later.
  await deps.card.void(pi.id).catch((err: unknown) => {
    throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
  });
}
