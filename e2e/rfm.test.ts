import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/rfm.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const HQ = { email: 'rin.hq@e2e.example', password: 'correct-horse-battery', name: '松本 凛' };

/**
 * RFM分析 in a real browser: 30 members with 1–6 orders over the year on the grid as the API gives them;
 * a cell opens the segment editor on that cell's rule, whose live count is the cell's; nothing in English
 * or raw ids; on a phone the grid scrolls inside its card.
 */
describe.skipIf(!hasChromium)('head office: RFM分析', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    const db = musubi.server.database.db;
    const orders: Array<{ id: string; c: string; at: string; total: number }> = [];
    for (let i = 0; i < 30; i++) {
      const c = await musubi.api<{ id: string }>('POST', '/api/customers', { name: `会員 ${i + 1}` });
      for (let k = 0; k < 1 + (i % 6); k++)
        orders.push({
          id: `ord_e2e_rfm${i}_${k}`,
          c: c.id,
          total: 2000 + ((i * 13 + k * 7) % 10) * 1000,
          at: new Date(Date.now() - (2 + ((i * 41 + k * 29) % 340)) * 86_400_000).toISOString(),
        });
    }
    await db.execute(sql`INSERT INTO orders (id, number, channel, customer_id, subtotal, total, taxes, created_at, status)
      SELECT r.id, 'RFM-' || r.id, 'web', r.c, r.total, r.total, '[]'::jsonb, r.at::timestamptz, 'completed'
        FROM jsonb_to_recordset(${JSON.stringify(orders)}::jsonb) AS r(id text, c text, at text, total int)`);
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('shows the grid the API gives, and a cell opens its segment with the same count', async () => {
    const grid = await musubi.api<{ buyers: number; cells: Array<{ r: number; f: number; members: number }> }>(
      'GET',
      '/api/segments/rfm-grid',
    );
    expect(grid.buyers).toBe(30);
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/analytics/rfm`);
    await page.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/analytics/rfm');
    await page.getByRole('heading', { name: 'RFM分析', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'RFM分析' }).getAttribute('aria-current')).toBe('page');
    await page.getByText('購入会員 30 人').waitFor();
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/cus_|ord_|champions|at_risk|undefined/);
    await screenshot(page, 'hq-rfm');

    // The fullest cell: its link opens the segment editor on its rule, counting the same members.
    const top = [...grid.cells].sort((a, b) => b.members - a.members)[0]!;
    await page.getByRole('link', { name: `R${top.r}・F${top.f} の会員 ${top.members} 人でセグメントを作る` }).click();
    await page.waitForURL('**/hq/segments?*');
    await expect.poll(() => page.getByLabel('名前', { exact: true }).inputValue()).toBe(`RFM R${top.r}・F${top.f}`);
    await page
      .getByText(new RegExp(`${top.members}\\s*人`))
      .first()
      .waitFor();
    await page.context().close();

    // On a phone the page itself does not run off the side (the grid scrolls in its card).
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/hq/analytics/rfm`);
    await phone.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(phone, HQ);
    await phone.waitForURL('**/hq/analytics/rfm');
    await phone.getByText('購入会員 30 人').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.context().close();
  });
});
