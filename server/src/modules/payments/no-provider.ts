import type { CardProvider } from './provider.ts';

/**
 * No acquirer configured (CARD_PROVIDER=none, the default outside the demo): online card payment is not
 * offered — checkout refuses a card before anything is held — rather than approving whatever number is
 * typed. A card payment from an earlier configuration can then be neither captured nor refunded here:
 * those calls fail (the capture answers 502, a refund is retried by its job) until a provider is configured.
 */
export function noCardProvider(): CardProvider {
  const none = () => Promise.reject(new Error('no card provider is configured (CARD_PROVIDER=none)'));
  return {
    name: 'none',
    available: false,
    authorize: async () => ({ ok: false, code: 'card_declined' }),
    capture: none,
    void: none,
    refund: none,
    // Nothing was ever sent to an acquirer: the checkout sweep has nothing to find.
    find: async () => null,
  };
}
