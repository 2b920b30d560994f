/**
 * Where a customer buys: the web shop, the app, a store's till, LINE. Orders are taken in them, and
 * promotions are limited to some of them, so the list sits below both.
 */
export const salesChannels = ['web', 'app', 'store', 'line'] as const;
export type SalesChannel = (typeof salesChannels)[number];
