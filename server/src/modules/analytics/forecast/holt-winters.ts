import { nelderMead } from '../clv/special.ts';

/**
 * Daily demand forecasts: additive Holt-Winters with a damped trend and a weekly season (ETS(A,Ad,A) in
 * Hyndman's taxonomy), its smoothing parameters fitted to the series by minimising the one-step-ahead
 * squared errors. Units sold per day are small and often zero, so the season is additive and forecasts
 * are never below zero. Series too short or too sparse to fit are forecast from their category's weekly
 * profile instead (`profileForecast`).
 */
export const SEASON = 7;

export interface HoltWinters {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  level: number;
  trend: number;
  /** The season's last SEASON values, the next day's first. */
  season: number[];
  sse: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/** Run the recursions over `y` with the given parameters: the final state and the one-step SSE. */
function run(y: readonly number[], alpha: number, beta: number, gamma: number, phi: number) {
  const first = y.slice(0, SEASON);
  const second = y.slice(SEASON, 2 * SEASON);
  let level = mean(first);
  let trend = second.length === SEASON ? (mean(second) - level) / SEASON : 0;
  const season = first.map((v) => v - level);
  let sse = 0;
  for (let t = SEASON; t < y.length; t++) {
    const s = season[t % SEASON]!;
    const predicted = level + phi * trend + s;
    const error = y[t]! - predicted;
    sse += error * error;
    const previousLevel = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (previousLevel + phi * trend);
    trend = beta * (level - previousLevel) + (1 - beta) * phi * trend;
    season[t % SEASON] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  // Reorder the season so that index 0 is the day after the series ends.
  const next = y.length % SEASON;
  return { level, trend, season: [...season.slice(next), ...season.slice(0, next)], sse };
}

/** Fit to `y` (at least two weeks of days). Parameters in (0, 1), φ in (0.8, 1): searched over logits. */
export function fitHoltWinters(y: readonly number[]): HoltWinters {
  if (y.length < 2 * SEASON) throw new RangeError('Holt-Winters needs at least two weeks of days');
  const params = (x: number[]) => ({
    alpha: logistic(x[0]!),
    beta: logistic(x[1]!) * logistic(x[0]!), // β ≤ α keeps the trend calmer than the level
    gamma: logistic(x[2]!) * (1 - logistic(x[0]!)), // γ ≤ 1 − α (the usual admissible region)
    phi: 0.8 + 0.2 * logistic(x[3]!),
  });
  const objective = (x: number[]) => {
    const p = params(x);
    return run(y, p.alpha, p.beta, p.gamma, p.phi).sse;
  };
  const best = nelderMead(objective, [logit(0.2), logit(0.1), logit(0.1), logit(0.5)], {
    step: 1,
    tolerance: 1e-7,
    maxIterations: 600,
  });
  const p = params(best.x);
  return { ...p, ...run(y, p.alpha, p.beta, p.gamma, p.phi) };
}

/** The next `h` days from a fitted model (damped trend: Σ φ^i), never below zero. */
export function forecastHoltWinters(m: HoltWinters, h: number): number[] {
  const out: number[] = [];
  let damped = 0;
  for (let i = 1; i <= h; i++) {
    damped += Math.pow(m.phi, i);
    out.push(Math.max(0, m.level + damped * m.trend + m.season[(i - 1) % SEASON]!));
  }
  return out;
}

/**
 * The sparse item's forecast: its mean daily demand over the last `window` days spread over the week as its
 * category sells (`profile`: each weekday's share of a week, day 0 = the day after the series ends).
 */
export function profileForecast(y: readonly number[], profile: readonly number[], h: number, window = 28): number[] {
  const recent = y.slice(-window);
  const daily = recent.length ? mean(recent) : 0;
  return Array.from({ length: h }, (_, i) => daily * SEASON * (profile[i % SEASON] ?? 1 / SEASON));
}

/** A category's weekly profile from its items' summed daily series (all ending on the same day). */
export function weeklyProfile(total: readonly number[]): number[] {
  const sums = new Array<number>(SEASON).fill(0);
  const next = total.length % SEASON;
  total.forEach((v, t) => {
    sums[(t - next + SEASON * 1000) % SEASON]! += v;
  });
  const all = sums.reduce((s, v) => s + v, 0);
  return all > 0 ? sums.map((v) => v / all) : new Array<number>(SEASON).fill(1 / SEASON);
}

/** Whether a series can be fitted: four weeks or more, and sold on at least one day in five. */
export function isFittable(y: readonly number[]): boolean {
  return y.length >= 4 * SEASON && y.filter((v) => v > 0).length >= y.length / 5;
}

/** 'Same as last week': the last week repeated. */
export function naiveForecast(y: readonly number[], h: number): number[] {
  const week = y.slice(-SEASON);
  return Array.from({ length: h }, (_, i) => week[i % SEASON] ?? 0);
}

/** Weighted absolute percentage error: Σ|actual − forecast| ÷ Σ actual (null when nothing sold). */
export function wape(actual: readonly number[], forecast: readonly number[]): number | null {
  let error = 0;
  let total = 0;
  actual.forEach((a, i) => {
    error += Math.abs(a - (forecast[i] ?? 0));
    total += a;
  });
  return total > 0 ? error / total : null;
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0);
