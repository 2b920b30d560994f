import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { putSetting, settingValue } from '../../platform/db/settings.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { presenceMethods, type Tier } from '../customers/service.ts';

const SETTINGS_KEY = 'loyalty.rules';

/** A multiplier with at most two decimals (1, 1.5, 2.25): kept exact by computing in hundredths. */
const multiplier = z
  .number()
  .min(0)
  .max(100)
  .refine((m) => Math.abs(m * 100 - Math.round(m * 100)) < 1e-9, { message: 'at most 2 decimals' });
const yen = z.number().int().min(0).max(1_000_000_000);

/**
 * The loyalty rules, one JSON document in `settings` (shared by every app copy). Every field has a
 * default, so `{}` is a valid document and a partial PUT fills in the rest.
 */
export const rulesSchema = z.object({
  points: z
    .object({
      /** 1 point per this many yen of tax-included spend, rounded down (default ¥100). */
      yenPerPoint: z.number().int().min(1).max(100_000).default(100),
      /** A lot expires this many calendar months after it was earned. */
      expiryMonths: z.number().int().min(1).max(120).default(12),
      /** How far ahead `expiringSoon` looks. */
      expiringSoonDays: z.number().int().min(1).max(366).default(60),
    })
    .prefault({}),
  tierMultipliers: z
    .object({ regular: multiplier.default(1), silver: multiplier.default(1.5), gold: multiplier.default(2) })
    .prefault({}),
  /** Rolling 12-month tax-included spend from which a tier applies. */
  tierThresholds: z
    .object({ silver: yen.default(50_000), gold: yen.default(150_000) })
    .prefault({})
    .refine((t) => t.gold > t.silver, { message: 'gold must be above silver', path: ['gold'] }),
  wallet: z
    .object({
      /**
       * Months after a top-up that its unused value lapses; null = never (無期限, the default). Six
       * months or less keeps the wallet exempt from 資金決済法; longer or none brings notification
       * and a deposit once over ¥10M unused — the chain's decision, hence a setting (README).
       */
      topUpExpiryMonths: z.number().int().min(1).max(120).nullable().default(null),
      /** The most a wallet may hold after a top-up, counting card top-ups still in flight. */
      maxBalance: yen.min(1).default(100_000),
      /** The most one top-up may put on the wallet (at the till or in the app). */
      maxTopUp: yen.min(1).default(50_000),
    })
    .prefault({}),
  presence: z
    .object({
      /**
       * How a member proves at the till that she is there, before her wallet, points or a member coupon is
       * spent (customers/presence.ts): the app's member QR, her PIN, a code sent to her e-mail. A card or
       * member number alone only ever earns.
       */
      methods: z
        .array(z.enum(presenceMethods))
        .min(1)
        .default([...presenceMethods]),
    })
    .prefault({}),
});

/** What PUT accepts: the same document, but an unknown field is a mistake worth a 400. */
export const rulesBody = rulesSchema.strict();

export type LoyaltyRules = z.infer<typeof rulesSchema>;

export const defaultRules: LoyaltyRules = rulesSchema.parse({});

/** The current rules (defaults when none were saved). */
export async function getRules(db: Executor): Promise<LoyaltyRules> {
  return rulesOf(await settingValue(db, SETTINGS_KEY));
}

/** The settings key of the rules, for a statement that reads them along with something else. */
export const RULES_SETTINGS_KEY = SETTINGS_KEY;

let lastParsed: { value: string; rules: LoyaltyRules } | undefined;

/**
 * The rules of a stored document (null: none saved, the defaults). Read leniently (a field from an older
 * version is dropped, a new one defaulted), but never fall back to defaults on a broken document: earning
 * at the wrong rate silently is worse than failing. The document changes a few times a year and is read on
 * every sale and scan: the last one parsed is kept by its text, so the same text is not parsed again.
 */
export function rulesOf(value: string | null): LoyaltyRules {
  if (value === null) return defaultRules;
  if (lastParsed?.value === value) return lastParsed.rules;
  const rules = rulesSchema.parse(JSON.parse(value));
  lastParsed = { value, rules };
  return rules;
}

/** Replace the rules (owner, head office). Applies to earns from now on; existing lots keep their expiry. */
export async function putRules(db: Db, actor: Principal, input: z.input<typeof rulesBody>): Promise<LoyaltyRules> {
  requireRole(actor, 'owner', 'hq');
  const rules = rulesBody.parse(input);
  await putSetting(db, SETTINGS_KEY, JSON.stringify(rules));
  return rules;
}

/** Hundredths of a multiplier, as an exact integer (1.5 → 150). */
export const hundredths = (m: number) => Math.round(m * 100);

/**
 * Points for a tax-included spend: ⌊spend / yenPerPoint⌋ is the base, then the tier and campaign
 * multipliers, rounded down once at the end (so ¥150 at ×1.5 is 1 point, ¥200 at ×1.5 is 3).
 */
export function pointsForSpend(spend: number, rules: LoyaltyRules, tier: Tier, campaignMultiplier = 1): number {
  const base = Math.floor(spend / rules.points.yenPerPoint);
  return Math.floor((base * hundredths(rules.tierMultipliers[tier]) * campaignMultiplier) / 100);
}

/** The tier a rolling 12-month spend earns. */
export function tierForSpend(spend: number, rules: LoyaltyRules): Tier {
  if (spend >= rules.tierThresholds.gold) return 'gold';
  if (spend >= rules.tierThresholds.silver) return 'silver';
  return 'regular';
}

/** The next tier up and the spend still needed to reach it, or null at the top. */
export function nextTier(
  spend: number,
  rules: LoyaltyRules,
): { tier: Tier; spendNeeded: number; threshold: number; from: number } | null {
  const current = tierForSpend(spend, rules);
  if (current === 'gold') return null;
  const tier: Tier = current === 'regular' ? 'silver' : 'gold';
  // from: where the current tier starts, so a progress bar runs from there to the next threshold.
  const from = current === 'regular' ? 0 : rules.tierThresholds.silver;
  return { tier, spendNeeded: rules.tierThresholds[tier] - spend, threshold: rules.tierThresholds[tier], from };
}
