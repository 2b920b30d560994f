/**
 * The few numerical tools the customer-value models need, small enough to read: the log-gamma function,
 * the Gauss hypergeometric series 2F1 (BG/NBD's conditional expectation) and a Nelder–Mead minimiser
 * (the models' maximum-likelihood fits, over log-parameters so that every parameter stays positive).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln B(a, b), the beta function. */
export const lnBeta = (a: number, b: number): number => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** The Gauss hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1, by its series (terms until negligible). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) return sum;
  }
  return sum;
}

export interface Minimum {
  x: number[];
  value: number;
  iterations: number;
}

/**
 * Minimise `f` from `start` by Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½), stopping
 * when the simplex's values differ by less than `tolerance` or after `maxIterations`. Non-finite values
 * count as +∞, so a likelihood that overflows pushes the simplex away.
 */
export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  opts: { step?: number; tolerance?: number; maxIterations?: number } = {},
): Minimum {
  const n = start.length;
  const step = opts.step ?? 0.5;
  const tolerance = opts.tolerance ?? 1e-9;
  const maxIterations = opts.maxIterations ?? 2000 * n;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({
    x,
    v: value(x),
  }));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + tolerance)) break;
    const centroid = start.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j]!, 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = { x: along(-1), v: 0 };
    reflected.v = value(reflected.x);
    if (reflected.v < best.v) {
      const expanded = { x: along(-2), v: 0 };
      expanded.v = value(expanded.x);
      simplex[n] = expanded.v < reflected.v ? expanded : reflected;
    } else if (reflected.v < simplex[n - 1]!.v) {
      simplex[n] = reflected;
    } else {
      const contracted = { x: along(reflected.v < worst.v ? -0.5 : 0.5), v: 0 };
      contracted.v = value(contracted.x);
      if (contracted.v < Math.min(worst.v, reflected.v)) simplex[n] = contracted;
      else
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!));
          return { x, v: value(x) };
        });
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations };
}
