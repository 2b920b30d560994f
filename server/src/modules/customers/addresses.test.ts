import { expect, it } from 'vitest';
import { describeEachDatabase, registerCustomer } from '../../test/harness.ts';

const home = {
  label: '自宅',
  postalCode: '１５０００４１',
  prefecture: '東京都',
  city: '渋谷区',
  line1: '神南１-２-３',
  name: '山田 花子',
  phone: '090-1234-5678',
};
const office = { ...home, label: '勤務先', postalCode: '100-0005', city: '千代田区', line1: '丸の内1-1-1' };

describeEachDatabase('customers: her address book (お届け先)', (ctx) => {
  it('her first address is the default; another can become it; deleting the default hands it on', async () => {
    const app = ctx();
    const { token } = await registerCustomer(app);
    const first = await app.api('POST', '/api/account/addresses', { token, body: home });
    expect(first.statusCode, first.body).toBe(201);
    // Typed on a phone: full-width digits folded, the postal code hyphenated.
    expect(first.json().items).toEqual([
      expect.objectContaining({ label: '自宅', postalCode: '150-0041', line1: '神南1-2-3', isDefault: true }),
    ]);
    const both = (
      await app.api('POST', '/api/account/addresses', { token, body: { ...office, isDefault: true } })
    ).json();
    expect(both.items.map((a: { label: string; isDefault: boolean }) => [a.label, a.isDefault])).toEqual([
      ['勤務先', true],
      ['自宅', false],
    ]);
    const officeId = both.items[0].id;
    const left = (await app.api('DELETE', `/api/account/addresses/${officeId}`, { token })).json();
    expect(left.items).toEqual([expect.objectContaining({ label: '自宅', isDefault: true })]);
    const edited = await app.api('PUT', `/api/account/addresses/${left.items[0].id}`, {
      token,
      body: { ...home, line2: 'むすびハイツ305' },
    });
    expect(edited.json().items[0]).toMatchObject({ line2: 'むすびハイツ305', isDefault: true });
  });

  it('a name or street of spaces is refused in her language, and spaces around a field are dropped', async () => {
    const app = ctx();
    const { token } = await registerCustomer(app);
    const blank = await app.api('POST', '/api/account/addresses', {
      token,
      headers: { 'accept-language': 'ja' },
      body: { ...home, name: '   ', line1: '　 ' },
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().code).toBe('platform.validation');
    expect(JSON.stringify(blank.json())).toMatch(/name/);
    expect(JSON.stringify(blank.json())).toMatch(/line1/);
    expect((await app.api('GET', '/api/account/addresses', { token })).json().items).toEqual([]);
    const padded = await app.api('POST', '/api/account/addresses', {
      token,
      body: { ...home, name: ' 山田 花子 ', city: '渋谷区 ' },
    });
    expect(padded.json().items[0]).toMatchObject({ name: '山田 花子', city: '渋谷区' });
  });

  it('another member cannot read, change or delete her addresses (404), and the book holds ten', async () => {
    const app = ctx();
    const her = await registerCustomer(app);
    const other = await registerCustomer(app);
    const [saved] = (await app.api('POST', '/api/account/addresses', { token: her.token, body: home })).json().items;
    expect((await app.api('GET', '/api/account/addresses', { token: other.token })).json()).toEqual({ items: [] });
    const put = await app.api('PUT', `/api/account/addresses/${saved.id}`, { token: other.token, body: office });
    expect(put.statusCode).toBe(404);
    expect(put.json().code).toBe('customer.address_not_found');
    expect((await app.api('DELETE', `/api/account/addresses/${saved.id}`, { token: other.token })).statusCode).toBe(
      404,
    );
    expect((await app.api('GET', '/api/account/addresses', { token: her.token })).json().items).toHaveLength(1);
    for (let i = 1; i < 10; i++)
      expect((await app.api('POST', '/api/account/addresses', { token: her.token, body: office })).statusCode).toBe(
        201,
      );
    const full = await app.api('POST', '/api/account/addresses', { token: her.token, body: office });
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('customer.address_book_full');
  });

  it('her 開示請求 lists the addresses of a record head office merged into hers', async () => {
    const app = ctx();
    const her = await registerCustomer(app, { name: '山田 花子' });
    const twin = await registerCustomer(app, { name: '山田 花子' });
    expect((await app.api('POST', '/api/account/addresses', { token: her.token, body: home })).statusCode).toBe(201);
    expect((await app.api('POST', '/api/account/addresses', { token: twin.token, body: office })).statusCode).toBe(201);
    const merged = await app.api('POST', `/api/customers/${her.customer.id}/merge`, {
      body: { otherId: twin.customer.id, reason: '同一人物' },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const exported = await app.api('POST', '/api/account/export', { token: her.token });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(
      exported
        .json()
        .addresses.map((a: { label: string }) => a.label)
        .sort(),
    ).toEqual(['勤務先', '自宅']);
  });
});
