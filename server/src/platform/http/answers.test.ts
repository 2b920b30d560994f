import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { $ZodType } from 'zod/v4/core';
import { whyNotCompiled } from './answer-schema.ts';
import { answerSerializer, firstDifference } from './answers.ts';

const schema = z.object({ id: z.string(), lines: z.array(z.object({ qty: z.number() })), at: z.date() });
const route = { schema, method: 'GET', url: '/api/things/:id', httpStatus: '200' } as never;

/** Both writings of `data` under `schema`: the compiled serializer's and Zod's (encode, then JSON.stringify). */
function bothWays(schema: $ZodType, data: unknown) {
  const r = { schema, method: 'GET', url: '/api/x', httpStatus: '200' } as never;
  return { compiled: answerSerializer(false)(r)(data), zod: JSON.stringify(z.encode(schema, data)) };
}

const image = z.object({ id: z.string(), src: z.string(), alt: z.string().nullable() });
const order = z.object({
  note: z.string().optional(),
  id: z.string(),
  pickupSlot: z.string().nullable().optional(),
  total: z.number().int(),
  holdUntil: z.date().nullable(),
  status: z.enum(['held', 'picked']),
  taxRate: z.union([z.literal(10), z.literal(8)]),
  lines: z.array(
    z.object({ sku: z.string(), qty: z.number(), tags: z.array(z.string()), image: image.nullable().optional() }),
  ),
  options: z.record(z.string(), z.string()),
  payload: z.unknown(),
  placedAt: z.date(),
});
const sample = {
  id: 'ord_1',
  total: 1280,
  holdUntil: null,
  status: 'held',
  taxRate: 8,
  lines: [
    { sku: 'A', qty: 1, tags: [], image: null },
    {
      sku: 'B "青"',
      qty: 2.5,
      tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
      image: { alt: null, src: '/i', id: 'img_1' },
    },
  ],
  options: { '2': 'x', サイズ: 'M', カラー: '紺' },
  payload: { at: new Date(0), list: [1, 'two'] },
  placedAt: new Date(Date.UTC(2026, 11, 7, 5, 0, 0, 7)),
};

describe('answers', () => {
  it('in the tests, an answer whose schema would drop a field fails and names it', () => {
    const serialize = answerSerializer(true)(route);
    expect(() => serialize({ id: 'a', lines: [{ qty: 1, price: 100 }], at: new Date(0), note: 'x' })).toThrow(
      'GET /api/things/:id: its response schema drops lines[0].price, note',
    );
    expect(serialize({ id: 'a', lines: [{ qty: 1 }], at: new Date(0) })).toBe(
      '{"id":"a","lines":[{"qty":1}],"at":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('in production the schema trims the answer, as Zod does', () => {
    expect(answerSerializer(false)(route)({ id: 'a', lines: [], at: new Date(0), note: 'x' })).toBe(
      '{"id":"a","lines":[],"at":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('the compiled serializer writes what Zod writes: keys in order, optional ones left out, nulls, Dates, nested lists', () => {
    expect(whyNotCompiled(order)).toBeUndefined();
    const { compiled, zod } = bothWays(order, { ...sample, surplus: 'not in the schema' });
    expect(compiled).toBe(zod);
    expect(compiled).toContain('{"id":"ord_1","total":1280,"holdUntil":null,');
    expect(compiled).toContain('"placedAt":"2026-12-07T05:00:00.007Z"');
    // An optional key before required ones, given: it stays first, as in the schema.
    const noted = bothWays(order, { pickupSlot: undefined, ...sample, note: 'のし', holdUntil: new Date(1) });
    expect(noted.compiled).toBe(noted.zod);
    expect(
      noted.compiled.startsWith('{"note":"のし","id":"ord_1","total":1280,"holdUntil":"1970-01-01T00:00:00.001Z"'),
    ).toBe(true);
  });

  it('a loose object keeps its other keys after its own, as Zod does, and neither it nor a record writes __proto__', () => {
    const loose = z.looseObject({ type: z.string(), status: z.number() });
    const data = { retryAfterSeconds: 30, status: 429, type: '/problems/x', gone: undefined };
    expect(bothWays(loose, data).compiled).toBe(bothWays(loose, data).zod);
    expect(bothWays(loose, data).compiled).toBe('{"type":"/problems/x","status":429,"retryAfterSeconds":30}');
    // As a jsonb column comes back from the database: __proto__ an own key like any other.
    const stored = JSON.parse('{"__proto__":"x","status":1,"type":"t","カラー":"紺"}');
    const withOptions = z.object({ problem: loose, options: z.record(z.string(), z.string()) });
    const both = bothWays(withOptions, { problem: stored, options: { ...stored, status: '1' } });
    expect(both.compiled).toBe(both.zod);
    expect(both.compiled).toBe(
      '{"problem":{"type":"t","status":1,"カラー":"紺"},"options":{"status":"1","type":"t","カラー":"紺"}}',
    );
  });

  it('for any answer its schema allows, both write the same bytes (text with any code unit, any Date)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 60 });
    const line = fc.record({
      sku: text,
      qty: fc.double({ noNaN: true, noDefaultInfinity: true }),
      tags: fc.array(text, { maxLength: 12 }),
      image: fc.option(fc.record({ id: text, src: text, alt: fc.option(text) }), { nil: null }),
    });
    const answer = fc.record(
      {
        note: text,
        id: text,
        pickupSlot: fc.option(text),
        total: fc.integer(),
        holdUntil: fc.option(fc.date({ noInvalidDate: true })),
        status: fc.constantFrom('held', 'picked'),
        taxRate: fc.constantFrom(10, 8),
        lines: fc.array(line, { maxLength: 4 }),
        options: fc.dictionary(text, text, { maxKeys: 4 }),
        payload: fc.jsonValue(),
        placedAt: fc.date({ noInvalidDate: true }),
      },
      { requiredKeys: ['id', 'total', 'holdUntil', 'status', 'taxRate', 'lines', 'options', 'payload', 'placedAt'] },
    );
    fc.assert(
      fc.property(answer, (data) => {
        const { compiled, zod } = bothWays(order, data);
        expect(compiled).toBe(zod);
      }),
      { numRuns: 300 },
    );
  });

  it('a schema that changes or chooses what is written keeps the Zod serializer, and says why', () => {
    const transfer = z.object({ id: z.string(), createdAt: z.coerce.date() });
    expect(whyNotCompiled(transfer)).toBe('z.coerce.date() at createdAt');
    // Zod turns the database's timestamp text into a Date and writes it in ISO form; written as it came,
    // it would not be the same.
    const { compiled, zod } = bothWays(transfer, { id: 't', createdAt: '2026-12-07 05:00:00+00' });
    expect(compiled).toBe(zod);
    expect(compiled).toBe('{"id":"t","createdAt":"2026-12-07T05:00:00.000Z"}');

    expect(whyNotCompiled(z.object({ n: z.string().transform((s) => s.length) }))).toBe('pipe at n');
    expect(whyNotCompiled(z.object({ n: z.string().trim() }))).toBe('a overwrite check at n');
    expect(whyNotCompiled(z.object({ n: z.number().default(0) }))).toBe('default at n');
    expect(whyNotCompiled(z.strictObject({ n: z.number() }))).toBe(
      'an object with a never catchall (strict?) at (root)',
    );
    expect(whyNotCompiled(z.object({ t: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) }))).toBe(
      'a union of object at t',
    );
    expect(whyNotCompiled(z.array(z.string().optional()))).toBe('an optional value outside an object key at []');
    expect(whyNotCompiled(z.object({ l: z.lazy(() => z.string()) }))).toBe('lazy at l');
  });

  it('in the tests, a compiled answer that is not Zod’s would name where they part', () => {
    expect(firstDifference('{"a":1,"b":2}', '{"a":1,"c":2}')).toBe(
      'at character 8: compiled "{\\"a\\":1,\\"b\\":2}", Zod "{\\"a\\":1,\\"c\\":2}"',
    );
  });
});
