import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, ensureWebBuilt, startMusubi, type Musubi, type Product } from './support/musubi.ts';

const HQ = { email: 'mei.hq@e2e.example', password: 'correct-horse-battery', name: '森 芽衣' };

/** A photo-like JPEG in a colour (a gradient on it, so it is more than one flat fill). */
async function photo(hex: string, w = 1800, h = 2250): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="${hex}"/><stop offset="1" stop-color="#f2efe9"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/**
 * Product pictures in a real browser: head office adds them on its 商品画像 screen (a file chosen like any
 * other), the shop shows the right colour's gallery on a phone with srcset, sizes, width and height, the
 * first picture loaded at once and the rest lazily, each file cached as immutable.
 */
describe.skipIf(!hasChromium)('product pictures', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    // The navy pictures through the API (an integration's PIM would do the same).
    for (const alt of ['ネイビー 正面', 'ネイビー 背面'])
      await musubi.api('POST', `/api/products/${shirt.id}/images`, {
        content: (await photo('#2b3a55')).toString('base64'),
        colour: 'ネイビー',
        alt,
      });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('head office adds the white picture on its screen, first in the gallery', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/products/${shirt.id}`);
    await page.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(page, HQ);
    await page.getByRole('heading', { name: 'ムスビ リネンシャツ の商品画像' }).waitFor();
    expect(await page.getByTestId('picture').count()).toBe(2);
    await page.getByLabel('カラー').first().selectOption('ホワイト');
    await page.getByLabel('代替テキスト（画像の説明）').first().fill('ホワイト 正面');
    await page.locator('input[type="file"]').setInputFiles({
      name: 'white.jpg',
      mimeType: 'image/jpeg',
      buffer: await photo('#fbfbf8'),
    });
    await page.getByText('1 枚の画像を追加しました。').waitFor();
    expect(await page.getByTestId('picture').count()).toBe(3);
    // A file that is no picture: the server's own words, nothing added.
    await page.locator('input[type="file"]').setInputFiles({
      name: 'notes.gif',
      mimeType: 'image/gif',
      buffer: await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .gif()
        .toBuffer(),
    });
    await page.getByText('画像の形式に対応していません').waitFor();
    expect(await page.getByTestId('picture').count()).toBe(3);
    // The white one goes first: it is the main picture in lists.
    const order = async () =>
      (await musubi.api<{ images: Array<{ alt: string }> }>('GET', `/api/products/${shirt.id}`)).images.map(
        (i) => i.alt,
      );
    await page.getByRole('button', { name: '3 枚目を前へ' }).click();
    await expect.poll(order).toEqual(['ネイビー 正面', 'ホワイト 正面', 'ネイビー 背面']);
    const second = page.getByRole('button', { name: '2 枚目を前へ' });
    await expect.poll(() => second.isEnabled()).toBe(true);
    await second.dispatchEvent('click'); // on the button itself: the cards may still be moving under the pointer
    await expect.poll(order).toEqual(['ホワイト 正面', 'ネイビー 正面', 'ネイビー 背面']);
    await screenshot(page, 'hq-product-images');
    await page.context().close();
  });

  it('on a phone the product page shows the chosen colour’s pictures with srcset, immutable and without layout shift', async () => {
    const page = await openPhone(browser);
    const cached: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/media/')) cached.push(r.headers()['cache-control'] ?? '');
    });
    await page.goto(`${musubi.baseUrl}/shop?q=リネンシャツ`);
    const tile = page.locator('.product-card img').first();
    await tile.waitFor();
    expect(await tile.getAttribute('loading')).toBe('lazy');
    expect(await tile.getAttribute('srcset')).toMatch(/ 200w, .* 1600w$/);

    await page.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    const main = page.locator('img.gallery-main');
    await main.waitFor();
    // White chosen (the page opens on the first variant, and createShirt's SKUs — hence their order — are
    // random): its picture, loaded at once (not lazily), its box reserved.
    await page.getByRole('button', { name: 'ホワイト', exact: true }).click();
    await expect.poll(() => main.getAttribute('alt')).toBe('ホワイト 正面');
    expect(await main.getAttribute('loading')).toBeNull();
    expect(await main.getAttribute('width')).toBe('1800');
    expect(await main.getAttribute('height')).toBe('2250');
    expect(await main.getAttribute('sizes')).toContain('100vw');
    expect((await main.getAttribute('srcset'))!.split(', ').map((s) => s.split(' ')[1])).toEqual([
      '200w',
      '400w',
      '800w',
      '1600w',
    ]);
    await expect
      .poll(() => main.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    // A 390 px phone at 2× wants ~716 device pixels: the 800 one, not the 1600.
    expect(await main.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/-800\.webp$/);
    const box = await main.boundingBox();
    expect(box!.height / box!.width).toBeCloseTo(2250 / 1800, 1);

    // Navy: the gallery follows, with a thumbnail per picture.
    await page.getByRole('button', { name: 'ネイビー', exact: true }).click();
    await expect.poll(() => main.getAttribute('alt')).toBe('ネイビー 正面');
    const thumbs = page.locator('.gallery-thumb');
    expect(await thumbs.count()).toBe(2);
    expect(await thumbs.nth(1).locator('img').getAttribute('loading')).toBe('lazy');
    await thumbs.nth(1).click();
    await expect.poll(() => main.getAttribute('alt')).toBe('ネイビー 背面');
    await screenshot(page, 'shop-product-images-phone');
    expect(cached.length).toBeGreaterThan(0);
    for (const c of cached) expect(c).toBe('public, max-age=31536000, immutable');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});
