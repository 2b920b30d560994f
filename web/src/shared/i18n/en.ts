import { pwaEn } from './pwa.en';
import type { ShopMessageKey } from './ja';
import { ordersEn } from './orders.en';
import { orderAheadEn } from './orderAhead.en';
import { customersEn } from './customers.en';
import { topUpEn } from './topUp.en';
import { deliveryEn } from './delivery.en';
import { sessionsEn } from './sessions.en';
import { securityEn } from './security.en';
import { recommendationsEn } from './recommendations.en';
import { browseEn } from './browse.en';
import { integrationsEn } from './integrations.en';
import { holdsEn } from './holds.en';
import { favouritesEn } from './favourites.en';
import { appointmentsEn } from './appointments.en';
import { imagesEn } from './images.en';
import { myAccountEn } from './myAccount.en';
import { reviewsEn } from './reviews.en';
import { scanAndGoEn } from './scanAndGo.en';
import { storePageEn } from './storePage.en';

/** English: every key of ja.ts, checked by the type. */
export const en: Record<ShopMessageKey, string> = {
  ...customersEn,
  ...ordersEn,
  ...orderAheadEn,
  ...holdsEn,
  ...favouritesEn,
  ...appointmentsEn,
  ...imagesEn,
  ...myAccountEn,
  ...reviewsEn,
  ...scanAndGoEn,
  ...storePageEn,
  ...topUpEn,
  ...deliveryEn,
  ...pwaEn,
  ...sessionsEn,
  ...securityEn,
  ...recommendationsEn,
  ...browseEn,
  ...integrationsEn,

  'common.loading': 'Loading…',
  'money.taxIncluded': '{amount} (tax incl.)',

  'nav.label': 'Apps',
  'nav.shop': 'Shop',
  'nav.store': 'Store staff',
  'nav.language': 'Language',
  'notFound.title': 'Page not found',
  'notFound.home': 'Back to the start',

  'error.network.title': 'Cannot reach the server',
  'error.network.detail': 'Check the connection and try again.',
  'error.unknown.title': 'Something went wrong',

  'live.open': 'Live',
  'live.connecting': 'Connecting…',
  'live.offline': 'Offline',

  'station.shibuya': 'Shibuya',
  'station.shinjuku': 'Shinjuku',
  'station.yokohama': 'Yokohama',
  'station.umeda': 'Umeda',
  'station.kichijoji': 'Kichijoji',
  'position.from': 'Near station',
  'position.here': 'My location',
  'position.locateMe': 'Use my location',
  'position.locating': 'Locating…',
  'position.denied': 'Location access is not allowed. Choose a station.',
  'position.failed': 'Could not get your location. Choose a station.',
  'position.unsupported': 'This device cannot share its location. Choose a station.',

  'shop.search.title': 'Find a product',
  'shop.search.label': 'Search products',
  'shop.search.placeholder': 'Name, kana or keyword',
  'shop.search.submit': 'Search',
  'shop.search.resultsFor': 'Results for “{q}”',
  'shop.search.none': 'Nothing matches “{q}”.',
  'shop.search.variants': '{n} variants',
  'shop.search.more': 'Show more',

  'shop.product.back': 'Back to search',
  'shop.product.variant': 'Variant',
  'shop.product.tax': 'Consumption tax',
  'shop.product.taxRate': '{rate}% (included in price)',
  'shop.product.noVariants': 'This product is not on sale.',

  'shop.restock.ask': 'Tell me when it is back',
  'shop.restock.guest': 'None at {store}. Log in and we will tell you when it is back.',
  'shop.restock.waiting': 'We will tell you when it is back ({store})',
  'shop.restock.anyStore': 'any store',
  'shop.restock.cancel': 'Cancel',
  'shop.stock.title': 'Stock in nearby stores',
  'shop.stock.store': 'Store',
  'shop.stock.distance': 'Distance',
  'shop.stock.available': 'Stock',
  'shop.stock.noStores': 'No store to check.',
  'shop.stock.all': 'Show all stores ({n})',
  'shop.stock.fewer': 'Show nearby stores only',
  'stock.ok': 'In stock ({n})',
  'stock.low': 'Only a few left ({n})',
  'stock.none': 'Out of stock',

  'reservation.hold': 'Hold',
  'reservation.cart': 'Cart',
  'reservation.order': 'Order',
  'reservation.transfer': 'Transfer',
};
