import { describe, expect, it } from 'vitest';
import { allocate, taxesByRate, taxIncluded } from './money.ts';

describe('consumption tax on tax-included prices', () => {
  it('works out the tax contained once per rate, rounding down', () => {
    expect(taxIncluded(1100, 10)).toBe(100);
    expect(taxIncluded(1080, 8)).toBe(80);
    expect(taxIncluded(999, 10)).toBe(90); // 90.8…
    // three ¥333 items at 8 %: per line 24+24+24 = 72, once per receipt floor(999×8/108) = 74
    expect(
      taxesByRate([
        { amount: 333, rate: 8 },
        { amount: 333, rate: 8 },
        { amount: 333, rate: 8 },
      ]),
    ).toEqual([{ rate: 8, base: 999, tax: 74 }]);
    expect(
      taxesByRate([
        { amount: 540, rate: 8 },
        { amount: 4990, rate: 10 },
      ]),
    ).toEqual([
      { rate: 10, base: 4990, tax: 453 },
      { rate: 8, base: 540, tax: 40 },
    ]);
  });

  it('spreads a discount so the parts add up to the yen', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(500, [4990, 540])).toEqual([451, 49]);
    expect(allocate(0, [10, 20])).toEqual([0, 0]);
    const parts = allocate(777, [123, 456, 789, 1]);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(777);
  });
});
