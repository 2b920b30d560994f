/**
 * payments' public face: the card acquirer's interface (the order module captures, voids and refunds
 * through it) and the built-in test acquirer that the composition root wires in. Other modules and
 * server.ts import this file only.
 */
export type {
  AuthorizeResult,
  BrowserConfirmation,
  CardInput,
  CardProvider,
  DeclineCode,
  FoundCharge,
} from './provider.ts';
export { browserOrigins } from './provider.ts';
export { stripeCardProvider, type StripeOptions } from './stripe-provider.ts';
export { stripeSignatureValid } from './stripe-signature.ts';
export { TEST_CARDS, testCardProvider } from './test-provider.ts';
export { noCardProvider } from './no-provider.ts';
