import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  registerCustomer,
  testJan,
  type TestApp,
} from '../../test/harness.ts';
import { startS3Double } from '../../test/s3-double.ts';
import { s3Store } from '../../platform/storage/s3.ts';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { setEventDemand } from '../../platform/event-demand.ts';

/** A photo-like JPEG (a gradient, so it does not compress to nothing), `w` × `h`. */
async function jpeg(w: number, h: number): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([(x * 255) / w, (y * 255) / h, 128], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}
const flat = (w: number, h: number, format: 'png' | 'webp' | 'gif' | 'tiff') =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#336699' } })
    [format]()
    .toBuffer();

const b64 = (b: Buffer) => b.toString('base64');

async function productWithColours(app: TestApp) {
  const res = await app.api('POST', '/api/products', {
    body: {
      name: '撥水ジャケット',
      taxRate: 10,
      variants: ['ネイビー', 'ベージュ'].map((c, i) => ({
        sku: `IMG-${testJan().slice(-6)}-${i}`,
        jan: testJan(),
        price: 7990,
        options: { カラー: c, サイズ: 'M' },
      })),
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

const upload = (
  app: TestApp,
  productId: string,
  body: Record<string, unknown>,
  opts: { token?: string | null; lang?: string } = {},
) =>
  app.api('POST', `/api/products/${productId}/images`, {
    body,
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    headers: { 'accept-language': opts.lang ?? 'ja' },
  });

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

const mediaDir = mkdtempSync(join(tmpdir(), 'musubi-images-test-'));
afterAll(() => rmSync(mediaDir, { recursive: true, force: true }));

describeEachDatabase(
  'product images on disk',
  (ctx) => {
    const dir = () => mediaDir;

    it('HQ uploads a photo: four widths as WebP, served as immutable with an ETag, in the product and the list', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const before = filesUnder(dir()).length;
      const res = await upload(app, productId, { content: b64(await jpeg(2000, 1500)), alt: '正面' });
      expect(res.statusCode, res.body).toBe(201);
      const image = res.json();
      expect(image).toMatchObject({ alt: '正面', colour: null, position: 0, width: 2000, height: 1500 });
      const urls = (image.srcset as string).split(', ').map((s) => s.split(' '));
      expect(urls.map(([, w]) => w)).toEqual(['200w', '400w', '800w', '1600w']);
      expect(image.src).toBe(urls[2]![0]);
      expect(filesUnder(dir()).length).toBe(before + 4);

      for (const [url, w] of urls) {
        const got = await app.api('GET', url!, { token: null });
        expect(got.statusCode).toBe(200);
        expect(got.headers['content-type']).toBe('image/webp');
        expect(got.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        const meta = await sharp(got.rawPayload).metadata();
        expect(meta.format).toBe('webp');
        expect(`${meta.width}w`).toBe(w);
        expect(meta.height).toBe((Number.parseInt(w!) * 3) / 4);
        const again = await app.api('GET', url!, {
          token: null,
          headers: { 'if-none-match': got.headers.etag as string },
        });
        expect(again.statusCode).toBe(304);
      }

      const product = (await app.api('GET', `/api/products/${productId}`, { token: null })).json();
      expect(product.images).toEqual([image]);
      const list = (await app.api('GET', '/api/products?q=撥水ジャケット', { token: null })).json();
      expect(list.items.find((p: { id: string }) => p.id === productId).image).toEqual(image);
    });

    it('a picture narrower than 1600 is never enlarged, and keeps its own width', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const res = await upload(app, productId, { content: b64(await flat(500, 500, 'png')) });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().srcset).toMatch(/-200\.webp 200w, .*-400\.webp 400w, .*-500\.webp 500w$/);
      expect(res.json().src).toMatch(/-500\.webp$/);
    });

    it('anything but a JPEG, PNG or WebP is refused in ja and en, leaving no row and no file', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const before = filesUnder(dir()).length;
      const svg = Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
      );
      for (const content of [
        await flat(50, 50, 'gif'),
        await flat(50, 50, 'tiff'),
        svg,
        Buffer.from('not an image at all'),
      ]) {
        const ja = await upload(app, productId, { content: b64(content) });
        expect(ja.statusCode).toBe(415);
        expect(ja.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(ja.json()).toMatchObject({ code: 'media.unsupported_image', title: '画像の形式に対応していません' });
      }
      const en = await upload(app, productId, { content: b64(await flat(50, 50, 'gif')) }, { lang: 'en' });
      expect(en.json()).toMatchObject({ title: 'Unsupported image' });
      expect(en.json().detail).toContain('gif is not accepted');
      // A JPEG cut short: its header reads, its body does not.
      const cut = (await jpeg(800, 600)).subarray(0, 2000);
      expect((await upload(app, productId, { content: b64(cut) })).statusCode).toBe(415);
      expect((await app.api('GET', `/api/products/${productId}`)).json().images).toEqual([]);
      expect(filesUnder(dir()).length).toBe(before);
    });

    it('a picture over the size or pixel limit is refused before it is decoded (decompression bombs)', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      // 3,000 × 3,000 of one colour is a few KB of PNG but 9 megapixels: over this suite's 4.
      const bomb = await flat(3000, 3000, 'png');
      expect(bomb.length).toBeLessThan(200_000);
      const res = await upload(app, productId, { content: b64(bomb) });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'media.image_too_many_pixels' });
      // Noise does not compress: 950 × 950 is under 4 MP and over this suite’s 600 KB.
      const big = await sharp(randomBytes(950 * 950 * 3), { raw: { width: 950, height: 950, channels: 3 } })
        .jpeg({ quality: 90 })
        .toBuffer();
      expect(big.length).toBeGreaterThan(600_000);
      const heavy = await upload(app, productId, { content: b64(big) }, { lang: 'en' });
      expect(heavy.statusCode).toBe(413);
      expect(heavy.json()).toMatchObject({ code: 'media.image_too_large', title: 'Image too large' });
    });

    it('pictures per colour, alt text, reorder and delete (its files go with it)', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const png = b64(await flat(900, 1200, 'png'));
      const a = (await upload(app, productId, { content: png, alt: '全体' })).json();
      const navy = (await upload(app, productId, { content: png, colour: 'ネイビー', alt: 'ネイビー 正面' })).json();
      const beige = (await upload(app, productId, { content: png, colour: 'ベージュ' })).json();
      expect([a.position, navy.position, beige.position]).toEqual([0, 1, 2]);
      const wrong = await upload(app, productId, { content: png, colour: 'レッド' });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json()).toMatchObject({ code: 'catalog.image_colour_unknown' });

      const patched = await app.api('PATCH', `/api/product-images/${beige.id}`, { body: { alt: 'ベージュ 背面' } });
      expect(patched.json()).toMatchObject({ alt: 'ベージュ 背面', colour: 'ベージュ' });

      const order = await app.api('PUT', `/api/products/${productId}/images/order`, {
        body: { ids: [navy.id, beige.id, a.id] },
      });
      expect(order.statusCode, order.body).toBe(200);
      expect(order.json().items.map((i: { id: string }) => i.id)).toEqual([navy.id, beige.id, a.id]);
      const partial = await app.api('PUT', `/api/products/${productId}/images/order`, { body: { ids: [a.id] } });
      expect(partial.statusCode).toBe(422);

      const before = filesUnder(dir()).length;
      const del = await app.api('DELETE', `/api/product-images/${navy.id}`);
      expect(del.statusCode).toBe(204);
      expect(filesUnder(dir()).length).toBe(before - 4);
      expect((await app.api('GET', navy.src as string, { token: null })).statusCode).toBe(404);
      const images = (await app.api('GET', `/api/products/${productId}`)).json().images;
      expect(images.map((i: { id: string }) => i.id)).toEqual([beige.id, a.id]);
      expect((await app.api('DELETE', `/api/product-images/${navy.id}`)).statusCode).toBe(404);
    });

    it('each picture change tells integrations product.updated with the pictures as they now are; a refused one tells nothing', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const productId = await productWithColours(app);
      const news = async () =>
        (
          await query<{ payload: { product: { id: string; updatedAt: string; images: Array<{ id: string }> } } }>(
            db,
            sql`SELECT payload FROM outbox WHERE template = 'product.updated' AND recipient = ${productId} ORDER BY id`,
          )
        ).map((r) => r.payload.product);
      await setEventDemand(db, 'images-test', ['product.updated']);
      try {
        const png = b64(await flat(300, 400, 'png'));
        const a = (await upload(app, productId, { content: png })).json();
        const b = (await upload(app, productId, { content: png, colour: 'ネイビー' })).json();
        expect((await news()).map((p) => p.images.map((i) => i.id))).toEqual([[a.id], [a.id, b.id]]);

        const order = await app.api('PUT', `/api/products/${productId}/images/order`, { body: { ids: [b.id, a.id] } });
        expect(order.statusCode).toBe(200);
        expect((await news()).at(-1)!.images.map((i) => i.id)).toEqual([b.id, a.id]);
        expect((await app.api('PATCH', `/api/product-images/${a.id}`, { body: { alt: '背面' } })).statusCode).toBe(200);
        expect(await news()).toHaveLength(4);
        const del = await app.api('DELETE', `/api/product-images/${b.id}`);
        expect(del.statusCode).toBe(204);
        const all = await news();
        expect(all).toHaveLength(5);
        expect(all.at(-1)!.images.map((i) => i.id)).toEqual([a.id]);
        // The product's updatedAt moved with each change (listings and caches keyed on it refresh).
        const updated = (await app.api('GET', `/api/products/${productId}`)).json().updatedAt as string;
        expect(all.at(-1)!.updatedAt).toBe(updated);

        // A refused reorder (not every picture named) is rolled back with its news.
        const partial = await app.api('PUT', `/api/products/${productId}/images/order`, { body: { ids: [] } });
        expect(partial.statusCode).toBe(422);
        expect(await news()).toHaveLength(5);
      } finally {
        await setEventDemand(db, 'images-test', []);
      }
    });

    it('a refusal after the files were written (the 31st picture) removes them again', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const tiny = b64(await flat(40, 40, 'png'));
      for (let i = 0; i < 30; i++) expect((await upload(app, productId, { content: tiny })).statusCode).toBe(201);
      const before = filesUnder(dir()).length;
      const res = await upload(app, productId, { content: tiny });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'catalog.too_many_images' });
      expect(filesUnder(dir()).length).toBe(before);
    });

    it('only head office changes pictures: store staff, members and strangers are refused', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const store = await createTestLocation(app);
      const manager = await newStaff(app, 'store_manager', [store]);
      const clerk = await newStaff(app, 'staff', [store]);
      const hq = await newStaff(app, 'hq', []);
      const member = await registerCustomer(app);
      const png = b64(await flat(100, 100, 'png'));
      expect((await upload(app, productId, { content: png }, { token: manager.token })).statusCode).toBe(403);
      expect((await upload(app, productId, { content: png }, { token: clerk.token })).statusCode).toBe(403);
      expect((await upload(app, productId, { content: png }, { token: member.token })).statusCode).toBe(403);
      expect((await upload(app, productId, { content: png }, { token: null })).statusCode).toBe(401);
      const ok = await upload(app, productId, { content: png }, { token: hq.token });
      expect(ok.statusCode).toBe(201);
      expect(
        (await app.api('DELETE', `/api/product-images/${ok.json().id}`, { token: manager.token })).statusCode,
      ).toBe(403);
    });
  },
  { env: { MEDIA_DIR: mediaDir, IMAGE_MAX_BYTES: '600000', IMAGE_MAX_PIXELS: '4000000' } },
);

const s3 = await startS3Double();
afterAll(() => s3.close());

describeEachDatabase(
  'product images in an S3-compatible bucket',
  (ctx) => {
    it('an upload lands in the bucket, signed; the shop is served from it; a delete removes it there', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const res = await upload(app, productId, { content: b64(await jpeg(1000, 800)), colour: 'ネイビー' });
      expect(res.statusCode, res.body).toBe(201);
      const image = res.json();
      const keys = [...s3.objects.keys()].filter((k) =>
        k.includes(
          image.src
            .split('/')
            .pop()
            .replace(/-\d+\.webp$/, ''),
        ),
      );
      expect(keys).toHaveLength(4); // 200, 400, 800 and its own 1000
      expect(s3.objects.get(keys[0]!)!.contentType).toBe('image/webp');
      const got = await app.api('GET', image.src as string, { token: null });
      expect(got.statusCode).toBe(200);
      expect(got.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await sharp(got.rawPayload).metadata()).width).toBe(800);
      // The bucket down: 503 to try again later, not a 500, and nothing a cache would keep.
      s3.failGets(true);
      try {
        const down = await app.api('GET', image.src as string, { token: null });
        expect(down.statusCode).toBe(503);
        expect(down.json()).toMatchObject({ code: 'media.storage_unavailable' });
        expect(down.headers['cache-control']).toBe('no-store');
        expect(down.headers['retry-after']).toBe('30');
        expect(down.headers.etag).toBeUndefined();
      } finally {
        s3.failGets(false);
      }
      expect((await app.api('DELETE', `/api/product-images/${image.id}`)).statusCode).toBe(204);
      for (const k of keys) expect(s3.objects.has(k)).toBe(false);
      expect((await app.api('GET', image.src as string, { token: null })).statusCode).toBe(404);
    });

    it('a bucket failing halfway through an upload leaves no row and no object (503, try again)', async () => {
      const app = ctx();
      const productId = await productWithColours(app);
      const before = s3.objects.size;
      s3.failPuts(2);
      try {
        const res = await upload(app, productId, { content: b64(await jpeg(1000, 800)) });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toMatchObject({ code: 'media.storage_unavailable' });
      } finally {
        s3.failPuts(null);
      }
      expect(s3.objects.size).toBe(before);
      expect((await app.api('GET', `/api/products/${productId}`)).json().images).toEqual([]);
    });
  },
  { env: s3.env() },
);

describe('the S3 store against the double', () => {
  it('puts, gets and deletes objects under a prefix', async () => {
    const store = s3Store({
      ...s3.env(),
      endpoint: s3.url,
      bucket: s3.bucket,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      prefix: 'shop-a',
      timeoutMs: 5000,
    });
    await store.put('images/x-1.webp', Buffer.from('abc'), 'image/webp');
    expect(s3.objects.get('shop-a/images/x-1.webp')?.body.toString()).toBe('abc');
    expect((await store.get('images/x-1.webp'))?.body.toString()).toBe('abc');
    await store.delete('images/x-1.webp');
    expect(await store.get('images/x-1.webp')).toBeUndefined();
    await store.delete('images/x-1.webp'); // already gone: not an error
  });

  it('a wrong secret is refused by the signature check, and the store says so', async () => {
    const store = s3Store({
      endpoint: s3.url,
      bucket: s3.bucket,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: 'not-the-secret',
      prefix: '',
      timeoutMs: 5000,
    });
    await expect(store.put('images/y-1.webp', Buffer.from('abc'), 'image/webp')).rejects.toThrow(
      /403.*SignatureDoesNotMatch/,
    );
    expect(s3.objects.has('images/y-1.webp')).toBe(false);
    const unsigned = await fetch(`${s3.url}/${s3.bucket}/images/y-1.webp`, { method: 'PUT', body: 'abc' });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('AccessDenied');
  });
});
