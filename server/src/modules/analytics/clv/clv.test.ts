import { describe, expect, it } from 'vitest';
import { expectedPurchases, fitBgNbd, probabilityAlive, type BgNbd } from './bg-nbd.ts';
import { simulate } from './simulate.ts';
import { expectedPurchaseValue, fitGammaGamma, type GammaGamma } from './gamma-gamma.ts';
import { hyp2f1, lnGamma, nelderMead } from './special.ts';

// Pure numerics: no database. The models are checked against data simulated from known parameters —
// the fit must find them again, and its predictions must match what the simulated customers then do.

describe('numerics', () => {
  it('ln Γ, 2F1 and Nelder–Mead agree with known values', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 10);
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 9);
    // 2F1(1, 1; 2; z) = −ln(1 − z) / z
    expect(hyp2f1(1, 1, 2, 0.7)).toBeCloseTo(-Math.log(0.3) / 0.7, 10);
    const rosenbrock = ([x, y]: number[]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;
    const min = nelderMead(rosenbrock, [-1.2, 1], { tolerance: 1e-14 });
    expect(min.x[0]).toBeCloseTo(1, 3);
    expect(min.x[1]).toBeCloseTo(1, 3);
  });
});

describe('BG/NBD with Gamma-Gamma', () => {
  const truth: BgNbd = { r: 0.6, alpha: 5, a: 0.7, b: 2.5 };
  const spend: GammaGamma = { p: 6, q: 4, gamma: 1500 };
  const HOLDOUT = 26;
  const people = simulate(20261204, truth, spend, 12_000, HOLDOUT);

  it('finds the parameters it was simulated with again', () => {
    const fit = fitBgNbd(people.map((s) => s.history));
    expect(fit.r / truth.r).toBeGreaterThan(0.85);
    expect(fit.r / truth.r).toBeLessThan(1.15);
    expect(fit.alpha / truth.alpha).toBeGreaterThan(0.8);
    expect(fit.alpha / truth.alpha).toBeLessThan(1.2);
    expect(fit.a / truth.a).toBeGreaterThan(0.6);
    expect(fit.a / truth.a).toBeLessThan(1.5);
    expect(fit.b / truth.b).toBeGreaterThan(0.6);
    expect(fit.b / truth.b).toBeLessThan(1.6);
  });

  it('predicts the holdout: total purchases within 5 %, and the top fifth of predictions buys most', () => {
    const fit = fitBgNbd(people.map((s) => s.history));
    const predicted = people.map((s) => expectedPurchases(fit, s.history, HOLDOUT));
    const total = predicted.reduce((t, v) => t + v, 0);
    const actual = people.reduce((t, s) => t + s.later, 0);
    expect(Math.abs(total - actual) / actual).toBeLessThan(0.05);
    // Ranked by prediction, each fifth's actual purchases are close to what was predicted for it.
    const order = people.map((s, i) => ({ s, p: predicted[i]! })).sort((x, y) => y.p - x.p);
    const fifth = Math.floor(order.length / 5);
    for (let k = 0; k < 5; k++) {
      const group = order.slice(k * fifth, (k + 1) * fifth);
      const p = group.reduce((t, g) => t + g.p, 0);
      const a = group.reduce((t, g) => t + g.s.later, 0);
      if (k === 0) expect(Math.abs(p - a) / a).toBeLessThan(0.1);
      else expect(Math.abs(p - a)).toBeLessThan(Math.max(0.15 * a, 40));
    }
    // A customer silent for long after frequent buying is less likely alive than one who just bought.
    expect(probabilityAlive(fit, { x: 5, tx: 5, T: 50 })).toBeLessThan(probabilityAlive(fit, { x: 5, tx: 49, T: 50 }));
    expect(probabilityAlive(fit, { x: 0, tx: 0, T: 50 })).toBe(1);
  });

  it('Gamma-Gamma finds the mean spend and predicts the holdout value within 8 %', () => {
    const repeaters = people.filter((s) => s.history.x >= 1);
    const fit = fitGammaGamma(repeaters.map((s) => ({ x: s.values.length, mean: mean(s.values) })));
    // The population's mean purchase value pγ/(q − 1) is what the fit must get right.
    const truthMean = (spend.p * spend.gamma) / (spend.q - 1);
    expect(Math.abs((fit.p * fit.gamma) / (fit.q - 1) - truthMean) / truthMean).toBeLessThan(0.08);
    const bg = fitBgNbd(people.map((s) => s.history));
    const value = people.reduce(
      (t, s) =>
        t +
        expectedPurchases(bg, s.history, HOLDOUT) *
          expectedPurchaseValue(fit, { x: s.values.length, mean: s.values.length ? mean(s.values) : 0 }),
      0,
    );
    const actual = people.reduce((t, s) => t + s.laterValue, 0);
    expect(Math.abs(value - actual) / actual).toBeLessThan(0.08);
  });

  it('refuses data it cannot fit', () => {
    expect(() => fitBgNbd([{ x: 0, tx: 0, T: 10 }])).toThrow(RangeError);
    expect(() => fitGammaGamma([{ x: 0, mean: 0 }])).toThrow(RangeError);
  });
});

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
