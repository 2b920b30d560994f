import type { clientelingJa } from './clienteling.ja';

/** The clienteling card's live cart and endless aisle (store screens). */
export const clientelingEn: Record<keyof typeof clientelingJa, string> = {
  'card.cart.title': 'In her cart',
  'card.cart.refresh': 'Refresh',
  'card.cart.refreshing': 'Refreshing…',
  'card.cart.readAt': 'as of {time}',
  'card.cart.empty': 'Her cart is empty.',
  'card.cart.channel.web': 'web',
  'card.cart.channel.app': 'app',
  'card.cart.from': 'Cart on the {channel}',
  'card.cart.subtotal': 'Subtotal (tax incl.)',
  'card.cart.qty': '× {n}',
  'card.cart.order': 'Order in',
  'card.cart.scanAgain': 'Scan her member code again to see it.',
  'card.aisle.title': 'Order in (endless aisle)',
  'card.aisle.hint':
    'Order an item this store lacks from the warehouse or another store, for pickup here. She pays at the counter when she collects it; points are earned then.',
  'card.aisle.jan': 'JAN code',
  'card.aisle.janPlaceholder': 'Scan or type the barcode',
  'card.aisle.find': 'Find',
  'card.aisle.variant': 'Size / colour',
  'card.aisle.quantity': 'Quantity',
  'card.aisle.chosen': 'Item to order',
  'card.aisle.submit': 'Order for pickup at {store}, pay at pickup',
  'card.aisle.placing': 'Ordering…',
  'card.aisle.clear': 'Choose another',
  'card.aisle.done': 'Ordered. Order number {number}',
  'card.aisle.doneSource': 'From {source} to {store}. Collect by {date}',
  'card.aisle.doneCode': 'Pickup code {code}',
  'card.aisle.another': 'Order another',
};
