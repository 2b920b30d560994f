import { expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { notifications } from './schema.ts';

/** `n` notices for her, a minute apart (the last is the newest); two share an instant when `tie` is set. */
async function seed(app: TestApp, customerId: string, n: number, tie = false) {
  const base = Date.now() - n * 60_000;
  const rows = Array.from({ length: n }, (_, i) => ({
    id: newId('ntf', base + i * 60_000),
    customerId,
    kind: 'order_shipped' as const,
    title: '商品を発送しました',
    body: `ご注文 M-${i} の商品を発送しました。`,
    payload: { orderId: `ord_${i}`, number: `M-${i}` },
    createdAt: new Date(tie && i === 1 ? base : base + i * 60_000),
  }));
  await app.server.database.db.insert(notifications).values(rows);
  return rows.map((r) => r.id).reverse(); // newest first
}

describeEachDatabase('notifications: the inbox screen’s API', (ctx) => {
  it('pages her notices newest first with a cursor, ties included, and refuses a cursor that is not hers', async () => {
    const app = ctx();
    const her = await registerCustomer(app);
    const other = await registerCustomer(app);
    const ids = await seed(app, her.customer.id, 5, true);
    const theirs = await seed(app, other.customer.id, 1);

    const seen: string[] = [];
    let before: string | null = null;
    do {
      const res = await app.api('GET', `/api/account/notifications?limit=2${before ? `&before=${before}` : ''}`, {
        token: her.token,
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.unread).toBe(5);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { id: string }) => i.id));
      before = page.nextBefore;
    } while (before);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.slice(0, 3)).toEqual(ids.slice(0, 3)); // the two sharing an instant come last, in id order

    const res = await app.api('GET', `/api/account/notifications?before=${theirs[0]}`, {
      token: her.token,
      headers: { 'accept-language': 'en' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'notifications.unknown_cursor', title: 'Invalid page cursor' });
    const ja = await app.api('GET', `/api/account/notifications?before=${theirs[0]}`, { token: her.token });
    expect(ja.json().title).toBe('ページの位置が不正です');
  });

  it('counts what she has not read and marks all of it read, leaving anyone else’s unread', async () => {
    const app = ctx();
    const her = await registerCustomer(app);
    const other = await registerCustomer(app);
    const ids = await seed(app, her.customer.id, 3);
    await seed(app, other.customer.id, 2);
    const unread = async (token: string) =>
      (await app.api('GET', '/api/account/notifications/unread', { token })).json().unread;

    expect(await unread(her.token)).toBe(3);
    const first = await app.api('POST', `/api/account/notifications/${ids[0]}/read`, { token: her.token });
    expect(first.statusCode).toBe(200);
    expect(await unread(her.token)).toBe(2);

    const all = await app.api('POST', '/api/account/notifications/read-all', { token: her.token });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toEqual({ read: 2, unread: 0 });
    expect(await unread(her.token)).toBe(0);
    const list = (await app.api('GET', '/api/account/notifications', { token: her.token })).json();
    expect(list.items.every((i: { readAt: string | null }) => i.readAt !== null)).toBe(true);
    expect(list.items.find((i: { id: string }) => i.id === ids[0]).readAt).toBe(first.json().readAt); // kept its time

    expect((await app.api('POST', '/api/account/notifications/read-all', { token: her.token })).json()).toEqual({
      read: 0,
      unread: 0,
    });
    expect(await unread(other.token)).toBe(2);
  });
});
