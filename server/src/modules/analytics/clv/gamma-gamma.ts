import { lnGamma, nelderMead } from './special.ts';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): each purchase's
 * value varies around the customer's own mean, Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, and is
 * independent of how often she buys. Fitted on the members with at least one repeat purchase — their
 * repeat purchases' count `x` and mean value `mean` (yen) — it gives the value to expect of her next ones:
 * her own mean shrunk towards the population's, the more so the fewer purchases she has made.
 */
export interface GammaGamma {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendHistory {
  /** Repeat purchases (≥ 1). */
  x: number;
  /** Their mean value. */
  mean: number;
  n?: number;
}

export function gammaGammaLogLikelihood(m: GammaGamma, s: SpendHistory): number {
  const { p, q, gamma } = m;
  const px = p * s.x;
  return (
    lnGamma(px + q) -
    lnGamma(px) -
    lnGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(s.mean) +
    px * Math.log(s.x) -
    (px + q) * Math.log(gamma + s.x * s.mean)
  );
}

export function fitGammaGamma(spends: readonly SpendHistory[]): GammaGamma & { logLikelihood: number } {
  const usable = spends.filter((s) => s.x >= 1 && s.mean > 0);
  if (!usable.length) throw new RangeError('Gamma-Gamma needs members with a repeat purchase of some value');
  const negLl = ([lp, lq, lg]: number[]) => {
    const m = { p: Math.exp(lp!), q: Math.exp(lq!), gamma: Math.exp(lg!) };
    let sum = 0;
    for (const s of usable) sum += (s.n ?? 1) * gammaGammaLogLikelihood(m, s);
    return -sum;
  };
  const meanValue = usable.reduce((t, s) => t + s.mean, 0) / usable.length;
  let best = nelderMead(negLl, [Math.log(2), Math.log(3), Math.log(meanValue)], { step: 0.7 });
  for (let i = 0; i < 3; i++) {
    const again = nelderMead(negLl, best.x, { step: 0.2 });
    const done = again.value >= best.value - 1e-9;
    best = again.value < best.value ? again : best;
    if (done) break;
  }
  const [p, q, gamma] = best.x.map(Math.exp) as [number, number, number];
  return { p, q, gamma, logLikelihood: -best.value };
}

/**
 * The mean value to expect of her future purchases: E[Z | x, mean] = (γ + x·mean)·p / (p·x + q − 1), a
 * weighted average of the population mean pγ/(q − 1) and her own. With no repeat purchase, the population's.
 * (q ≤ 1 has no finite population mean: her own mean, or 0, is answered instead.)
 */
export function expectedPurchaseValue(m: GammaGamma, s: { x: number; mean: number }): number {
  if (m.q <= 1) return s.x > 0 ? s.mean : 0;
  if (s.x <= 0) return (m.p * m.gamma) / (m.q - 1);
  return ((m.gamma + s.x * s.mean) * m.p) / (m.p * s.x + m.q - 1);
}
