import { boolean, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { locations } from '../locations/schema.ts';

export const staffRoles = ['owner', 'hq', 'store_manager', 'staff'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffUsers = pgTable('staff_users', {
  id: text().primaryKey(),
  email: text().notNull().unique(),
  name: text().notNull(),
  passwordHash: text().notNull(),
  role: text().notNull().$type<StaffRole>(),
  active: boolean().notNull().default(true),
  /** TOTP secret (base32): pending until confirmed with a code, then in force (totp.ts). */
  totpSecret: text(),
  totpEnabledAt: timestamp({ withTimezone: true }),
  /** The 30-second step of the last code accepted: a code is good once (RFC 6238 §5.2). */
  totpLastStep: integer(),
  /** Her till PIN (担当切替), scrypt-hashed like a password; null until she sets one or after a manager's reset. */
  pinHash: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const staffLocations = pgTable(
  'staff_locations',
  {
    staffId: text()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    locationId: text()
      .notNull()
      .references(() => locations.id),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.locationId] })],
);

/**
 * Bearer sessions; only a SHA-256 of the token is stored. The user agent and address are those of the
 * sign-in, shown to her in her list of sessions; `lastSeenAt` is kept to within 5 minutes (sessions.ts).
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text().primaryKey(),
    staffId: text()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    userAgent: text(),
    ip: text(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.staffId)],
);

/**
 * API tokens for integrations (an ERP, a POS, an agency's storefront): created and revoked by the owner,
 * each with its scopes (platform/api-scopes.ts). Only a SHA-256 of the token is stored; `hint` is its last
 * four characters, to tell tokens apart on the screen. The token acts as the staff member who created it,
 * with her role and stores as they are now, narrowed to its scopes; `lastUsedAt` is kept to within a minute.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text().primaryKey(),
    staffId: text()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    hint: text().notNull(),
    scopes: text().array().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    revokedBy: text(),
  },
  (t) => [index().on(t.staffId)],
);
