import { index, integer, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Fitted customer-value models (BG/NBD + Gamma-Gamma, clv/): each fit's parameters, the data it saw and its
 * accuracy on a held-out period. The newest row is the one in use; older ones stay as the history of fits.
 */
export const customerValueModels = pgTable(
  'customer_value_models',
  {
    id: text().primaryKey(),
    fittedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The moment the histories end (purchases before it). */
    asOf: timestamp({ withTimezone: true }).notNull(),
    members: integer().notNull(),
    repeaters: integer().notNull(),
    /** { bgNbd: {r, alpha, a, b}, gammaGamma: {p, q, gamma} } (weeks, yen). */
    params: jsonb().notNull(),
    /** The holdout check: fitted before `asOf − holdoutWeeks`, predicted for those weeks, against what happened. */
    accuracy: jsonb().notNull(),
  },
  (t) => [index().on(t.fittedAt)],
);

/** Each buyer's predicted next 12 months under the newest model (recomputed with each fit). */
export const customerValuePredictions = pgTable('customer_value_predictions', {
  customerId: text().primaryKey(),
  modelId: text().notNull(),
  /** Expected purchase days in the next 52 weeks. */
  purchases12m: real().notNull(),
  /** Expected spend in the next 52 weeks, yen (tax included, returns netted). */
  value12m: integer().notNull(),
  /** Probability she is still a customer. */
  alive: real().notNull(),
  /** Her history then: net spend to date, yen, and purchase days. */
  spendToDate: integer().notNull(),
  purchaseDays: integer().notNull(),
  computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
