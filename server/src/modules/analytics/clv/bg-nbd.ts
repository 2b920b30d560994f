import { hyp2f1, lnBeta, lnGamma, logAddExp, nelderMead } from './special.ts';

/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while a customer is alive
 * she buys as a Poisson process of rate λ, λ ~ Gamma(r, α) across customers; after each purchase she
 * drops out with probability p, p ~ Beta(a, b). Fitted by maximum likelihood on each member's
 * repeat purchases `x`, the time of her last one `tx` and her age `T` (all since her first purchase,
 * in weeks), it answers how many purchases to expect from her in the next t weeks and how likely she is
 * still a customer.
 */
export interface BgNbd {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One member's history (or `n` members with the same one): repeat purchases, last at tx, age T (weeks). */
export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
  n?: number;
}

/** ln L of one history (equation 6 of the paper, in logs). */
export function bgNbdLogLikelihood(m: BgNbd, h: PurchaseHistory): number {
  const { r, alpha, a, b } = m;
  const base = lnGamma(r + h.x) - lnGamma(r) + r * Math.log(alpha);
  const stays = lnBeta(a, b + h.x) - lnBeta(a, b) - (r + h.x) * Math.log(alpha + h.T);
  const left = h.x > 0 ? lnBeta(a + 1, b + h.x - 1) - lnBeta(a, b) - (r + h.x) * Math.log(alpha + h.tx) : -Infinity;
  return base + logAddExp(stays, left);
}

/** The maximum-likelihood parameters for `histories` (over log-parameters, so each stays positive). */
export function fitBgNbd(histories: readonly PurchaseHistory[]): BgNbd & { logLikelihood: number } {
  if (!histories.some((h) => h.x > 0)) throw new RangeError('BG/NBD needs at least one repeat purchase');
  const negLl = ([lr, la, laa, lb]: number[]) => {
    const m = { r: Math.exp(lr!), alpha: Math.exp(la!), a: Math.exp(laa!), b: Math.exp(lb!) };
    let sum = 0;
    for (const h of histories) sum += (h.n ?? 1) * bgNbdLogLikelihood(m, h);
    return -sum;
  };
  // Start from the paper's CDNOW estimates' shape, α scaled to the data's mean age.
  const meanT = histories.reduce((s, h) => s + (h.n ?? 1) * h.T, 0) / histories.reduce((s, h) => s + (h.n ?? 1), 0);
  let best = nelderMead(negLl, [Math.log(0.5), Math.log(Math.max(1, meanT / 10)), Math.log(1), Math.log(2)], {
    step: 0.7,
  });
  // Restart from the optimum: Nelder–Mead can stall on a ridge; a fresh simplex there usually moves on.
  for (let i = 0; i < 3; i++) {
    const again = nelderMead(negLl, best.x, { step: 0.2 });
    const done = again.value >= best.value - 1e-9;
    best = again.value < best.value ? again : best;
    if (done) break;
  }
  const [r, alpha, a, b] = best.x.map(Math.exp) as [number, number, number, number];
  return { r, alpha, a, b, logLikelihood: -best.value };
}

/** The probability that she is still a customer (has not dropped out) at T. */
export function probabilityAlive(m: BgNbd, h: PurchaseHistory): number {
  if (h.x === 0) return 1;
  const ratio = (m.a / (m.b + h.x - 1)) * Math.pow((m.alpha + h.T) / (m.alpha + h.tx), m.r + h.x);
  return 1 / (1 + ratio);
}

/** How many purchases to expect from her in the next `t` weeks, given her history (equation 10). */
export function expectedPurchases(m: BgNbd, h: PurchaseHistory, t: number): number {
  const { r, alpha, a, b } = m;
  const { x, tx, T } = h;
  if (Math.abs(a - 1) < 1e-7) {
    // The closed form divides by a − 1 (a removable singularity: both factors change sign at a = 1).
    return expectedPurchases({ ...m, a: 1 + 1e-7 }, h, t);
  }
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const body = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const alive = x > 0 ? 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 1;
  return (head * body) / alive;
}
