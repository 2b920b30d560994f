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
