import type { deliveryJa } from './delivery.ja';

/** English for local delivery. */
export const deliveryEn: Record<keyof typeof deliveryJa, string> = {
  'cart.delivery': 'Local delivery',
  'cart.deliveryHint': 'From a store nearby in a 30-minute window. ¥330 within 2 km, ¥550 beyond; free from ¥4,000',
  'cart.deliveryFee': 'Delivery',
  'cart.split': 'This order arrives in {n} parcels (each from where it is in stock). You pay shipping once.',
  'delivery.pin': 'Where to deliver',
  'delivery.pinHint':
    'This position decides which store delivers and how far it is. Pick a station or use your location, then save.',
  'delivery.from': 'Delivered from {store} ({km}, fee {fee})',
  'delivery.date': 'Delivery date',
  'delivery.windows': 'Delivery time',
  'delivery.noWindows': 'No delivery times left on this day. Choose another day.',
  'checkout.deliveryTo': 'Delivered to {address} from {store}, {time}',
  'checkout.deliveryNoWindow': 'no delivery time chosen yet',
  'order.deliveryFrom': 'From',
  'order.deliveryWindow': 'Delivery time',
  'order.deliveryTo': 'To',
  'order.shipsFrom': 'Ships from {from}',
  'order.parcelFrom': 'Parcel {n} of {of}, from {from}',
  'fulfilment.out_for_delivery': 'Out for delivery',
  'store.pickups.delivery': 'Local delivery',
  'store.pickups.hold': 'Hold',
  'store.slots.orderAheadCapacity': 'Mobile orders per {minutes}-minute slot',
  'store.slots.deliveryCapacity': 'Deliveries per {minutes}-minute window',
  'store.slots.save': 'Save',
  'store.slots.saved': 'Now {n} per slot.',
  'store.pickups.honorific': '{name}',
  'store.pickups.window': 'Deliver from {time}',
  'store.pickups.delivery.shipped': 'Out for delivery',
  'store.pickups.delivery.delivered': 'Delivered',
};
