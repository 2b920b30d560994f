import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerSerializer } from './answers.ts';

const schema = z.object({ id: z.string(), lines: z.array(z.object({ qty: z.number() })), at: z.date() });
const route = { schema, method: 'GET', url: '/api/things/:id', httpStatus: '200' } as never;

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
});
