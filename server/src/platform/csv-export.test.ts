import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
} from '../test/harness.ts';
import { tokyoTime } from './csv-export.ts';

/** The CSV's lines, without the BOM and the last line break. */
function linesOf(body: string): string[] {
  return body
    .replace(/^\uFEFF/, '')
    .replace(/\r\n$/, '')
    .split('\r\n');
}

describeEachDatabase('CSV exports', (ctx) => {
  it('exports more than 10,000 orders, every one of them, oldest first with Tokyo times', async () => {
    const app = ctx();
    // Set-based: 10,050 orders in one statement, one second apart, the last ones in the same microsecond
    // (keyset pages must not lose ties).
    await app.server.database.db.execute(sql`
      INSERT INTO orders (id, number, channel, status, guest, subtotal, total, taxes, created_at)
      SELECT 'ord_exp' || lpad(g::text, 6, '0'), 'EXP-' || lpad(g::text, 6, '0'), 'web', 'completed',
             jsonb_build_object('name', '山田 花子', 'email', 'hanako@example.jp'), 1100, 1100,
             '[{"rate":10,"base":1000,"tax":100}]'::jsonb,
             CASE WHEN g > 10000 THEN timestamptz '2026-12-06 00:00:00.123456+00'
                  ELSE timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' END
        FROM generate_series(1, 10050) g`);
    const res = await app.api('GET', '/api/orders.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = linesOf(res.body);
    expect(header).toContain('注文日時(JST)');
    expect(header).not.toContain('UTC');
    const numbers = rows.map((r) => r.split(',')[0]);
    expect(numbers).toHaveLength(10_050);
    expect(new Set(numbers).size).toBe(10_050);
    // 2026-01-01 00:00:01 UTC is 09:00:01 in Tokyo.
    expect(rows[0]).toMatch(/^EXP-000001,2026-01-01 09:00:01,web,completed,/);
    expect(rows[0]).toContain('山田 花子');
    expect(rows[0]).toMatch(/,1100,0,0,1100,100,0,0$/);

    const lines = await app.api('GET', '/api/order-lines.csv');
    expect(lines.statusCode).toBe(200);
    expect(linesOf(lines.body)).toHaveLength(1); // header only: these orders have no lines
  }, 120_000);

  it('writes Shift_JIS on request, which decodes back to the same Japanese', async () => {
    const app = ctx();
    const res = await app.api('GET', '/api/orders.csv?encoding=shift_jis&q=EXP-00000');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(res.rawPayload[0]).not.toBe(0xef); // no BOM in Shift_JIS
    // Not UTF-8: the bytes of 注文番号 in Shift_JIS.
    expect(res.rawPayload.subarray(0, 8)).toEqual(iconv.encode('注文番号', 'Shift_JIS'));
    const text = iconv.decode(res.rawPayload, 'Shift_JIS');
    const [header, ...rows] = linesOf(text);
    expect(header).toContain('注文日時(JST)');
    expect(header).toContain('合計(税込)');
    expect(rows).toHaveLength(9);
    expect(rows[0]).toContain('山田 花子');
  });

  it('formats times as a clock in Tokyo shows them', () => {
    expect(tokyoTime('2026-12-31T15:00:00Z')).toBe('2027-01-01 00:00:00');
    expect(tokyoTime(null)).toBe('');
  });

  it('exports stock by location and the movement ledger, a store role its own stores only', async () => {
    const app = ctx();
    const [a, b] = [await createTestLocation(app), await createTestLocation(app)];
    const {
      variantIds: [v],
    } = await createTestProduct(app, { name: '抹茶ラテ' });
    await receive(app, v!, a, 5);
    await receive(app, v!, b, 7);
    const levels = await app.api('GET', `/api/stock-levels.csv?locationId=${a}`);
    expect(levels.statusCode).toBe(200);
    const [header, row] = linesOf(levels.body);
    expect(header).toBe('店舗ID,店舗名,SKU,JAN,商品名,オプション,在庫数,引当済,販売可能,移動中,更新日時(JST)');
    expect(row).toContain(`${a},`);
    expect(row).toContain(',抹茶ラテ,');
    expect(row).toMatch(/,5,0,5,0,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const clerk = await newStaff(app, 'staff', [a]);
    const own = linesOf((await app.api('GET', '/api/stock-movements.csv', { token: clerk.token })).body);
    expect(own[0]).toContain('日時(JST)');
    expect(own.slice(1).every((r) => r.includes(`,${a},`))).toBe(true);
    expect(own).toHaveLength(2);
    const other = await app.api('GET', `/api/stock-movements.csv?locationId=${b}`, { token: clerk.token });
    expect(other.statusCode).toBe(403);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
  });

  it('limits the customer columns by role: contact details for head office, none for a store, nothing for a clerk', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const member = await registerCustomer(app, { phone: '090-1234-5678', birthday: '1990-04-01' });
    const registered = await app.api('POST', '/api/customers', {
      body: { name: '鈴木 一郎', nameKana: 'スズキ イチロウ', email: 'ichiro@example.jp', homeLocationId: store },
    });
    expect(registered.statusCode).toBe(201);

    const hq = await newStaff(app, 'hq', []);
    const all = linesOf((await app.api('GET', '/api/customers.csv', { token: hq.token })).body);
    expect(all[0]).toBe('会員番号,お名前,フリガナ,ランク,登録店舗,登録日時(JST),メールアドレス,電話番号,誕生日');
    const hers = all.find((r) => r.startsWith(member.customer.memberNumber));
    expect(hers).toContain(member.customer.email);
    expect(hers).toContain('1990-04-01');

    const manager = await newStaff(app, 'store_manager', [store]);
    const mine = linesOf((await app.api('GET', '/api/customers.csv', { token: manager.token })).body);
    expect(mine[0]).toBe('会員番号,お名前,フリガナ,ランク,登録店舗,登録日時(JST)');
    expect(mine).toHaveLength(2); // the member registered at her store, not the one who signed up online
    expect(mine[1]).toContain('鈴木 一郎');
    expect(mine.join('\n')).not.toContain('ichiro@example.jp');

    const clerk = await newStaff(app, 'staff', [store]);
    const refused = await app.api('GET', '/api/customers.csv', { token: clerk.token });
    expect(refused.statusCode).toBe(403);
  });
});
