/**
 * An online card acquirer. A real one is an HTTP service; every call carries an idempotency key so a
 * retried checkout never charges twice. Amounts are integer yen.
 */
export interface CardProvider {
  readonly name: string;
  /** Whether it takes new card payments (false: no acquirer configured — checkout refuses cards). */
  readonly available: boolean;
  /**
   * Set when the shopper confirms the card in the browser with the acquirer's own script (Stripe.js):
   * card numbers never reach this server. Checkout then takes two calls: `begin` (an intent the browser
   * confirms), and `authorize` with `card.token` = that intent's id, which checks it was confirmed.
   */
  readonly browser?: BrowserConfirmation;
  /** Start a payment the browser confirms: an uncaptured intent for the amount, and the secret the browser confirms it with. */
  begin?(input: { amount: number; idempotencyKey: string }): Promise<{ chargeId: string; clientSecret: string }>;
  /** Reserve the amount on the card; a declined card is `{ ok: false, code }`, not an exception. */
  authorize(input: { amount: number; card: CardInput; idempotencyKey: string }): Promise<AuthorizeResult>;
  /** Take (part of) an authorised amount. Idempotent: capturing what is already captured is a no-op. */
  capture(chargeId: string, amount: number): Promise<void>;
  /** Let an uncaptured authorisation go. Idempotent: voiding what is already voided is a no-op. */
  void(chargeId: string): Promise<void>;
  /**
   * The charge an `authorize` with this idempotency key made, or null when none reached the acquirer. For
   * the checkout sweep: a process killed while the acquirer answered never learnt the charge id. With
   * `chargeId` (recorded when the intent was made, `begin`) the charge is read by its id — Stripe's search
   * lags by up to a minute, a read by id does not — and must carry this key.
   */
  find(idempotencyKey: string, chargeId?: string | null): Promise<FoundCharge | null>;
  /** Give back (part of) a captured amount; never more than captured in all. Idempotent by key: a retry refunds nothing more. */
  refund(chargeId: string, amount: number, idempotencyKey: string): Promise<void>;
}

export interface CardInput {
  /** The built-in test provider takes test numbers; a real provider takes a token from its own JS. */
  number?: string | undefined;
  token?: string | undefined;
}

export type AuthorizeResult = { ok: true; chargeId: string; last4: string } | { ok: false; code: DeclineCode };

/**
 * Why a card was not authorised. `not_confirmed`: a browser-confirmed payment that the shopper has not
 * (yet) confirmed, or one made for another amount or checkout.
 */
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'invalid_card' | 'not_confirmed';

/** What the web needs to load the acquirer's script and confirm a payment. */
export interface BrowserConfirmation {
  kind: 'stripe';
  publishableKey: string;
  /** Where Stripe.js is loaded from (STRIPE_JS_URL); the Content-Security-Policy allows its origin. */
  scriptUrl: string;
  /** The API origin Stripe.js talks to from the browser (connect-src). */
  apiOrigin: string;
}

export interface FoundCharge {
  chargeId: string;
  status: 'authorized' | 'captured' | 'voided' | 'refunded';
}

/**
 * What the Content-Security-Policy must allow for the acquirer's script, and nothing more: the script's
 * origin (the script and its frames — the card field, 3-D Secure) and the API origin it calls.
 */
export function browserOrigins(b: BrowserConfirmation): { script: string[]; frame: string[]; connect: string[] } {
  const js = new URL(b.scriptUrl).origin;
  // Real Stripe.js opens its 3-D Secure frames from hooks.stripe.com as well (Stripe's CSP guide).
  const hooks = js === 'https://js.stripe.com' ? ['https://hooks.stripe.com'] : [];
  return { script: [js], frame: [js, ...hooks], connect: [b.apiOrigin] };
}
