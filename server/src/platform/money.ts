/**
 * Money in integer yen: the one place for tax rounding and for splitting an amount into parts that add up.
 *
 * Japanese consumption tax on tax-included prices (税込表示). The tax contained in a total is worked out
 * once per rate for the whole receipt, as the invoice system (インボイス制度) requires — not per line —
 * and rounded down: 内消費税 = floor(税込合計 × 税率 / (100 + 税率)).
 */

export interface TaxLine {
  /** Tax-included amount after discounts (yen). */
  amount: number;
  rate: number;
}

export interface TaxByRate {
  rate: number;
  /** Tax-included total at this rate. */
  base: number;
  /** Consumption tax contained in it. */
  tax: number;
}

export function taxIncluded(amount: number, rate: number): number {
  return Math.floor((amount * rate) / (100 + rate));
}

/** Group by rate (10 % first, then 8 %) and compute the contained tax once per rate. */
export function taxesByRate(lines: readonly TaxLine[]): TaxByRate[] {
  const bases = new Map<number, number>();
  for (const l of lines) bases.set(l.rate, (bases.get(l.rate) ?? 0) + l.amount);
  return [...bases]
    .filter(([, base]) => base > 0)
    .sort((a, b) => b[0] - a[0])
    .map(([rate, base]) => ({ rate, base, tax: taxIncluded(base, rate) }));
}

/**
 * Spread an amount (a discount, a tender, a refund) over lines in proportion to their weights, in whole
 * yen, so the parts add up exactly (largest remainder: the leftover yen go to the lines whose exact share
 * lost most to rounding). Used, for one, to know each rate's base after a basket-wide discount.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  const rest = total - shares.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < rest; k++) shares[order[k % order.length]![1]]! += 1;
  return shares;
}
