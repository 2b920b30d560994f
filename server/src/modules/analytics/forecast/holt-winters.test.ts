import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../demo/prng.ts';
import {
  fitHoltWinters,
  forecastHoltWinters,
  isFittable,
  naiveForecast,
  profileForecast,
  wape,
  weeklyProfile,
} from './holt-winters.ts';

// Pure numerics: series with a known weekly pattern, trend and Poisson noise (seeded).
const random = seededRandom(28);
function poisson(lambda: number): number {
  // Knuth's method for small means, a rounded normal for large ones.
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss()));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random.next();
  } while (p > l);
  return k - 1;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(random.next() || 1e-12)) * Math.cos(2 * Math.PI * random.next());
}
/** Weekends sell more; a gentle trend; `days` days. */
function series(base: number, days: number, trendPerDay: number): number[] {
  const weekday = [0.8, 0.7, 0.8, 0.9, 1.1, 1.6, 1.5];
  return Array.from({ length: days }, (_, t) => poisson(Math.max(0, (base + trendPerDay * t) * weekday[t % 7]!)));
}

describe('Holt-Winters (A,Ad,A) with a weekly season', () => {
  it('beats "same as last week" on held-out 4 weeks, summed over many items', () => {
    let hwError = 0;
    let naiveError = 0;
    let sold = 0;
    for (let i = 0; i < 60; i++) {
      const y = series(2 + (i % 10), 26 * 7, (i % 3) * 0.01);
      const train = y.slice(0, -28);
      const test = y.slice(-28);
      const f = forecastHoltWinters(fitHoltWinters(train), 28);
      const n = naiveForecast(train, 28);
      test.forEach((a, k) => {
        hwError += Math.abs(a - f[k]!);
        naiveError += Math.abs(a - n[k]!);
        sold += a;
      });
    }
    const hw = hwError / sold;
    const naive = naiveError / sold;
    expect(hw).toBeLessThan(naive * 0.85);
    expect(hw).toBeLessThan(0.45);
  });

  it('finds the weekly shape: the weekend forecast above the weekdays', () => {
    const y = series(20, 20 * 7, 0);
    const f = forecastHoltWinters(fitHoltWinters(y), 7);
    // y ends on day 139 (139 % 7 = 6, Sunday in the pattern): the next day is pattern day 0.
    const weekend = f[5]! + f[6]!;
    const weekdays = f[0]! + f[1]!;
    expect(weekend).toBeGreaterThan(weekdays * 1.5);
  });

  it('never forecasts below zero, follows a trend, and refuses a series too short', () => {
    const falling = Array.from({ length: 42 }, (_, t) => Math.max(0, 40 - t));
    expect(forecastHoltWinters(fitHoltWinters(falling), 28).every((v) => v >= 0)).toBe(true);
    const rising = Array.from({ length: 56 }, (_, t) => 10 + t);
    const up = forecastHoltWinters(fitHoltWinters(rising), 7);
    expect(up[6]!).toBeGreaterThan(60);
    expect(() => fitHoltWinters([1, 2, 3])).toThrow(RangeError);
  });

  it('a sparse item is forecast from its category’s weekly profile', () => {
    const category = series(30, 8 * 7, 0);
    const profile = weeklyProfile(category);
    expect(profile.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    const sparse = Array.from({ length: 56 }, (_, t): number => (t % 13 === 0 ? 1 : 0));
    expect(isFittable(sparse)).toBe(false);
    expect(isFittable(category)).toBe(true);
    const f = profileForecast(sparse, profile, 28);
    const rate = sparse.slice(-28).reduce((s, v) => s + v, 0) / 28;
    expect(f.reduce((s, v) => s + v, 0)).toBeCloseTo(rate * 28, 6);
    // Weekend days get the category's weekend share.
    expect(f[5]!).toBeGreaterThan(f[1]!);
  });

  it('WAPE is the absolute error over what sold', () => {
    expect(wape([10, 0, 10], [5, 5, 10])).toBeCloseTo(0.5, 10);
    expect(wape([0, 0], [1, 1])).toBeNull();
  });
});
