import type { favouritesJa } from './favourites.ja';

/** English for お気に入り (favourites). */
export const favouritesEn: Record<keyof typeof favouritesJa, string> = {
  'favourites.title': 'Favourites',
  'favourites.add': 'Add to favourites',
  'favourites.remove': 'Remove from favourites',
  'favourites.addNamed': 'Add {name} to favourites',
  'favourites.removeNamed': 'Remove {name} from favourites',
  'favourites.removeShort': 'Remove',
  'favourites.empty': 'No favourites yet. Tap ♡ on a product to keep it here.',
  'favourites.count': '{n} (up to {max})',
  'favourites.stockAt': 'Stock shown is at {store}.',
  'favourites.archived': 'No longer sold',
  'favourites.notify': 'Back-in-stock notice',
  'favourites.notifyVariant': 'Back-in-stock notice ({variant})',
  'favourites.notifyOn': 'We will tell you when {store} has it again',
  'favourites.notifyOff': 'Be told when {store} has it again',
  'card.favourites': 'Favourites ({n})',
  'card.favouritesNone': 'No favourites.',
  'card.favouritesMore': '{n} more',
  'account.menu.favourites': 'Favourites',
  'account.menu.favouritesHint': 'Products you keep, their stock, back-in-stock notices',
};
