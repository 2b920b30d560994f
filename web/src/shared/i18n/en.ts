import { auditEn } from './audit.en';
import { storeSettingsEn } from './storeSettings.en';
import { segmentsEn } from './segments.en';
import { analyticsEn } from './analytics.en';
import { rfmEn } from './rfm.en';
import { pwaEn } from './pwa.en';
import { businessEn } from './business.en';
import type { MessageKey } from './ja';
import { ordersEn } from './orders.en';
import { orderAheadEn } from './orderAhead.en';
import { customersEn } from './customers.en';
import { tillEn } from './till.en';
import { hqEn } from './hq.en';
import { returnsEn } from './returns.en';
import { tillSessionEn } from './tillSession.en';
import { topUpEn } from './topUp.en';
import { deliveryEn } from './delivery.en';
import { sessionsEn } from './sessions.en';
import { securityEn } from './security.en';
import { staffEn } from './staff.en';
import { valueEn } from './value.en';
import { couponsEn } from './coupons.en';
import { forecastEn } from './forecast.en';
import { recommendationsEn } from './recommendations.en';
import { stockoutsEn } from './stockouts.en';
import { cohortsEn } from './cohorts.en';
import { importsEn } from './imports.en';
import { integrationsEn } from './integrations.en';
import { holdsEn } from './holds.en';
import { favouritesEn } from './favourites.en';

/** English: every key of ja.ts, checked by the type. */
export const en: Record<MessageKey, string> = {
  ...customersEn,
  ...ordersEn,
  ...orderAheadEn,
  ...holdsEn,
  ...favouritesEn,
  ...tillEn,
  ...hqEn,
  ...returnsEn,
  ...tillSessionEn,
  ...topUpEn,
  ...deliveryEn,
  ...segmentsEn,
  ...analyticsEn,
  ...rfmEn,
  ...pwaEn,
  ...businessEn,
  ...auditEn,
  ...storeSettingsEn,
  ...sessionsEn,
  ...securityEn,
  ...staffEn,
  ...valueEn,
  ...couponsEn,
  ...forecastEn,
  ...recommendationsEn,
  ...stockoutsEn,
  ...cohortsEn,
  ...importsEn,
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

  'store.login.title': 'Staff sign-in',
  'store.login.email': 'E-mail',
  'store.login.password': 'Password',
  'store.login.submit': 'Sign in',
  'store.login.expired': 'Your sign-in has expired. Please sign in again.',
  'store.login.code': 'Code (6 digits)',
  'store.login.codeHint': 'Enter the 6-digit code shown in your authenticator app.',
  'store.totp.menu': 'Two-factor',
  'store.totp.title': 'Two-factor sign-in',
  'store.totp.intro':
    "Each time you sign in, you enter the code your phone's authenticator app shows as well as your password.",
  'store.totp.on': 'Two-factor sign-in is on.',
  'store.totp.off': 'Two-factor sign-in is not set up.',
  'store.totp.requiredNow':
    "Your role requires two-factor sign-in (the owner's setting). Other screens are closed until you set it up.",
  'store.totp.requiredKeep': 'Your role requires two-factor sign-in, so it cannot be turned off.',
  'store.totp.start': 'Set it up',
  'store.totp.scan': 'Scan this QR code with your authenticator app.',
  'store.totp.qr': 'QR code to set up two-factor sign-in',
  'store.totp.manual': 'If it cannot be scanned, type in this key',
  'store.totp.confirmHint': 'Enter the 6-digit code the app shows to finish.',
  'store.totp.confirm': 'Finish set-up',
  'store.totp.enabled': 'Two-factor sign-in is on. You will need a code from your next sign-in.',
  'store.totp.disableHint': 'To turn it off, enter a current code.',
  'store.totp.disable': 'Turn off two-factor sign-in',
  'store.totp.disabled': 'Two-factor sign-in is off.',
  'store.totp.back': 'Back to the store list',

  'store.pick.title': 'Choose a store',
  'store.pick.hello': 'Hello {name}, where are you working today?',
  'store.pick.none': 'No store is assigned to you. Ask an administrator.',
  'store.pick.warehouse': 'Warehouse',

  'store.bar.change': 'Change store',
  'store.bar.tasks': 'Tasks',
  'store.bar.logout': 'Sign out',
  'store.tab.stock': 'Stock',
  'store.tab.transfers': 'Incoming',
  'store.tab.reservations': 'Holds',

  'store.stock.title': 'Check and record stock',
  'store.stock.empty': 'Scan a product barcode or type its JAN code.',
  'store.stock.price': 'Price',
  'store.stock.level': 'Stock in this store',
  'store.stock.nearby': 'Stock in stores nearby',
  'store.stock.nearbyNone': 'No other store has it now.',
  'store.scan.label': 'JAN code',
  'store.scan.placeholder': 'Scan or type, then Enter',
  'store.scan.submit': 'Look up',
  'store.scan.hint': 'Full-width digits and hyphens are fine.',
  'store.level.available': 'Available',
  'store.level.onHand': 'On hand',
  'store.level.reserved': 'Reserved',
  'store.level.inTransit': 'In transit',

  'store.move.title': 'Record stock',
  'store.move.receipt': 'Receive',
  'store.move.adjustment': 'Adjust',
  'store.move.count': 'Count',
  'store.move.transfer': 'Transfer',
  'store.move.receipt.quantity': 'Units received',
  'store.move.adjustment.quantity': 'Change',
  'store.move.count.quantity': 'Units counted',
  'store.move.transfer.quantity': 'Units to send',
  'store.move.receipt.hint': 'How many arrived.',
  'store.move.adjustment.hint': 'Negative to remove (e.g. -2).',
  'store.move.count.hint': 'Replaces the {n} units on hand with this number.',
  'store.move.transfer.hint': 'Leaves now; becomes stock when the destination receives it.',
  'store.move.receipt.submit': 'Record receipt',
  'store.move.adjustment.submit': 'Record adjustment',
  'store.move.count.submit': 'Record count',
  'store.move.transfer.submit': 'Record transfer',
  'store.move.receipt.done': 'Received {n} units.',
  'store.move.adjustment.done': 'Adjusted stock by {n}.',
  'store.move.count.done': 'Count recorded (difference {n}).',
  'store.move.transfer.done': 'Sent {n} units (in transit).',
  'store.move.newLevel': 'Available {available} / on hand {onHand}',
  'store.move.reason': 'Reason',
  'store.move.reasonRequired': 'Reason (required)',
  'store.move.reasonPlaceholder': 'e.g. damaged, used as sample',
  'store.move.destination': 'Destination',
  'store.move.chooseDestination': 'Choose a destination',
  'store.move.quantityInvalid': 'Enter the quantity as a number.',

  'store.transfers.title': 'Incoming transfers',
  'store.transfers.from': 'From',
  'store.transfers.variant': 'Product (variant ID)',
  'store.transfers.quantity': 'Units',
  'store.transfers.sent': 'Sent',
  'store.transfers.receive': 'Receive',
  'store.transfers.received': 'Received {n} units. Available now {available}.',
  'store.transfers.empty': 'Nothing is on its way to this store.',

  'store.reservations.title': 'Holds and reservations',
  'store.reservations.reason': 'Kind',
  'store.reservations.reference': 'Customer',
  'store.reservations.lines': 'Product × units',
  'store.reservations.expires': 'Expires',
  'store.reservations.release': 'Release',
  'store.reservations.confirm': 'Confirm release',
  'store.reservations.released': 'Released: the stock is free again.',
  'store.reservations.empty': 'No active holds or reservations.',
  'reservation.hold': 'Hold',
  'reservation.cart': 'Cart',
  'reservation.order': 'Order',
  'reservation.transfer': 'Transfer',
};
