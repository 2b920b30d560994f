import { seededRandom } from '../../../demo/prng.ts';
import type { BgNbd, PurchaseHistory } from './bg-nbd.ts';
import type { GammaGamma } from './gamma-gamma.ts';

/**
 * Customers drawn from the models themselves (for the tests): each has a purchase rate λ ~ Gamma(r, α), a
 * drop-out chance p ~ Beta(a, b) after each purchase, a mean spend rate ν ~ Gamma(q, γ) and purchase values
 * ~ Gamma(p, ν). Seeded, so a run is reproducible.
 */
export interface Simulated {
  history: PurchaseHistory;
  /** Her purchase times in weeks since her first purchase (0), up to T + holdout. */
  times: number[];
  /** Purchases in the holdout weeks after T. */
  later: number;
  /** Her repeat purchases' values before T. */
  values: number[];
  /** What she spent in the holdout weeks. */
  laterValue: number;
  /** Her first purchase's value. */
  firstValue: number;
}

/** Customers observed for T weeks (first purchases spread over 40 weeks before the cut), then `holdout` more. */
export function simulate(seed: number, m: BgNbd, g: GammaGamma, customers: number, holdout: number): Simulated[] {
  const random = seededRandom(seed);
  const uniform = () => random.next() || 1e-12;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * random.next());
  /** Gamma(shape, rate) by Marsaglia & Tsang (shape < 1 boosted by U^(1/shape)). */
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = Math.pow(1 + c * z, 3);
      if (v <= 0) continue;
      if (Math.log(uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a, 1);
    return x / (x + gamma(b, 1));
  };
  const out: Simulated[] = [];
  for (let i = 0; i < customers; i++) {
    const lambda = gamma(m.r, m.alpha);
    const p = beta(m.a, m.b);
    const nu = gamma(g.q, g.gamma);
    const T = 13 + Math.floor(random.next() * 40);
    const times: number[] = [];
    let t = 0;
    for (;;) {
      t += -Math.log(uniform()) / lambda;
      if (t > T + holdout) break;
      times.push(t);
      if (random.next() < p) break;
    }
    const before = times.filter((s) => s <= T);
    const values = [0, ...times].map(() => Math.max(1, Math.round(gamma(g.p, nu))));
    out.push({
      history: { x: before.length, tx: before.length ? before[before.length - 1]! : 0, T },
      times,
      later: times.length - before.length,
      values: values.slice(1, before.length + 1),
      laterValue: values.slice(before.length + 1).reduce((s, v) => s + v, 0),
      firstValue: values[0]!,
    });
  }
  return out;
}
