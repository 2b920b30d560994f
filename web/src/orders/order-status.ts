import type { Order } from '../shared/api/types';
import { isMessageKey, type MessageKey } from '../shared/i18n';

export type ReturnState = 'none' | 'partly' | 'all';

/** Whether the goods came back: every line (返品済み), some (一部返品), or none. */
export function returnState(order: Order): ReturnState {
  const returned = order.lines.reduce((s, l) => s + Math.min(l.returnedQuantity, l.quantity), 0);
  if (returned === 0) return 'none';
  return returned >= order.lines.reduce((s, l) => s + l.quantity, 0) ? 'all' : 'partly';
}

/**
 * The words for where a fulfilment stands; once the goods came back, the return says so instead of
 * 受け渡し完了 (a returned order is not simply "handed over").
 */
export function statusKey(order: Order, f: Order['fulfilments'][number] | undefined): MessageKey | null {
  const back = returnState(order);
  if (back === 'all') return 'order.returned';
  if (back === 'partly') return 'order.partlyReturned';
  if (!f) return null;
  const k = f.type === 'delivery' && f.status === 'shipped' ? 'fulfilment.out_for_delivery' : `fulfilment.${f.status}`;
  return isMessageKey(k) ? k : null;
}

/**
 * How she bought it, in her words: a hold, a pickup, a mobile order or a delivery by its fulfilment; else the
 * channel (a till sale is 店舗でのお買い物). A sale rung up in the app at a store's shelf is scan-and-go.
 */
export function orderKindKey(order: Order): MessageKey {
  const f = order.fulfilments[0];
  if (f && f.type !== 'instore') {
    const k = `myOrders.kind.${f.type}`;
    if (isMessageKey(k)) return k;
  }
  if (f?.type === 'instore' && order.channel !== 'store') return 'myOrders.kind.scan_and_go';
  const k = `myOrders.channel.${order.channel}`;
  return isMessageKey(k) ? k : 'myOrders.channel.web';
}

/** The store she bought at or collects from; none for a parcel sent from the warehouse. */
export function orderStoreId(order: Order): string | null {
  const f = order.fulfilments[0];
  if (order.locationId) return order.locationId;
  return f && f.type !== 'ship' ? f.locationId : null;
}
