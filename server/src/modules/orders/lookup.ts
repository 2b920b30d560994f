import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { attemptSucceeded, countAttempt } from '../../platform/login-throttle.ts';
import { customerIdByIdentifier, normalizeEmail } from '../customers/service.ts';
import { orders } from './schema.ts';
import { orderView, type OrderView } from './views.ts';

/**
 * A guest reopens their order (status, pickup code) with the order number and the e-mail given at
 * checkout — the way Japanese shops let 会員登録なし buyers follow an order. Wrong pairs count as failed
 * logins (5 per order number, 50 per address in 15 minutes), so numbers cannot be walked.
 */
export async function lookupOrder(db: Db, input: { number: string; email: string }, ip: string): Promise<OrderView> {
  const number = input.number.normalize('NFKC').trim().toUpperCase();
  const email = normalizeEmail(input.email);
  const key = `order:${number}`;
  await countAttempt(db, key, `order:${ip}`);
  const [order] = await db.select().from(orders).where(eq(orders.number, number));
  let matches = !!order && !!email && order.guest?.email && normalizeEmail(order.guest.email) === email;
  if (order && email && !matches && order.customerId) {
    matches = (await customerIdByIdentifier(db, 'email', email)) === order.customerId;
  }
  if (!order || !matches) {
    throw new DomainError('order.lookup_failed');
  }
  await attemptSucceeded(db, key, `order:${ip}`);
  return orderView(db, order.id);
}
