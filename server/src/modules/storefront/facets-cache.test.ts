import { expect, it } from 'vitest';
import { describeEachDatabase, testJan } from '../../test/harness.ts';
import type { Executor } from '../../platform/db/connection.ts';
import { facetsCache } from './facets-cache.ts';

let n = 0;
const tag = () => `${Date.now().toString(36)}${++n}`;

describeEachDatabase('the listing’s facet counts', (ctx) => {
  it('are read once per key while fresh (racing misses share one reading), then again', async () => {
    const app = ctx();
    const category = (await app.api('POST', '/api/categories', { body: { name: `帽子 ${tag()}` } })).json().id;
    const hat = (colour: string) =>
      app.api('POST', '/api/products', {
        body: {
          name: `ハット ${colour} ${tag()}`,
          taxRate: 10,
          categoryId: category,
          variants: [{ sku: `FC-${tag()}`, jan: testJan(), price: 3990, options: { カラー: colour, サイズ: 'F' } }],
        },
      });
    expect((await hat('ベージュ')).statusCode).toBe(201);

    // Count the statements the cache sends through a wrapped executor.
    const db = app.server.database.db;
    let reads = 0;
    const counting = new Proxy(db, {
      get(target, prop) {
        if (prop === 'execute') reads++;
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Executor;

    const facets = facetsCache(400);
    const q = { category, limit: 24 };
    const first = await Promise.all(Array.from({ length: 10 }, () => facets(counting, q)));
    expect(reads).toBe(1);
    expect(first.every((f) => f === first[0])).toBe(true);
    expect(first[0]!.colours).toEqual([{ value: 'ベージュ', count: 1 }]);

    // A new colour: the fresh counts are kept until they age out; a size filter is the same key.
    expect((await hat('ブラック')).statusCode).toBe(201);
    expect((await facets(counting, { ...q, sizes: ['F'] })).colours).toHaveLength(1);
    expect(reads).toBe(1);
    await new Promise((r) => setTimeout(r, 450));
    expect((await facets(counting, q)).colours.map((c) => c.value).sort()).toEqual(['ブラック', 'ベージュ']);
    expect(reads).toBe(2);
    // Another category is another key.
    await facets(counting, { limit: 24, category: 'cat_none' });
    expect(reads).toBe(3);
  });
});
