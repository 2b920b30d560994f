import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { locations } from '../locations/schema.ts';

export const customerStatuses = ['active', 'merged', 'deleted'] as const;
export type CustomerStatus = (typeof customerStatuses)[number];

export const tiers = ['regular', 'silver', 'gold'] as const;
export type Tier = (typeof tiers)[number];

/** Feeds member numbers (makeMemberNumber adds the prefix and the check digit). Demo customers use 1–99,999. */
export const memberNumberSeq = pgSequence('member_number_seq', { startWith: 100_000 });

/** One person across every channel. Personal fields are erased on deletion; the id stays as the pseudonym. */
export const customers = pgTable(
  'customers',
  {
    id: text().primaryKey(),
    /** Printed on the member card: 13 digits, the last a Luhn check digit. */
    memberNumber: text().notNull().unique(),
    name: text(),
    nameKana: text(),
    /** Normalised search key (NFKC, hiragana, no spaces) of name and reading. */
    searchKey: text().notNull().default(''),
    birthday: date(),
    status: text().notNull().$type<CustomerStatus>().default('active'),
    mergedInto: text(),
    passwordHash: text(),
    /** Her till PIN (暗証番号, scrypt): proof she is there to spend her wallet or points. */
    pinHash: text(),
    tier: text().notNull().$type<Tier>().default('regular'),
    homeLocationId: text().references(() => locations.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.searchKey),
    index().on(t.birthday),
    index().on(t.mergedInto),
    // The few records that are not members (audience.ts nonMembersSql: the same WHERE, word for word).
    index('customers_inactive_index')
      .on(t.id)
      .where(sql`${t.status} <> 'active' OR ${t.deletedAt} IS NOT NULL OR ${t.mergedInto} IS NOT NULL`),
  ],
);

export const identifierKinds = ['email', 'phone', 'member_number', 'device', 'card', 'line'] as const;
export type IdentifierKind = (typeof identifierKinds)[number];

/** Ways to recognise a person, each unique per kind and stored normalised (e-mail lower-case, phone E.164). */
export const customerIdentifiers = pgTable(
  'customer_identifiers',
  {
    kind: text().notNull().$type<IdentifierKind>(),
    value: text().notNull(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.value] }), index().on(t.customerId)],
);

/**
 * Customer bearer sessions (mct_…); only a SHA-256 of the token is stored. The user agent and address are
 * those of the sign-in, shown to her in 「ログイン中の端末」; `lastSeenAt` is kept to within 5 minutes.
 */
export const customerSessions = pgTable(
  'customer_sessions',
  {
    tokenHash: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    deviceId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    userAgent: text(),
    ip: text(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId)],
);

/** One-time password-reset codes (hash only), delivered through the outbox. */
export const passwordResetCodes = pgTable(
  'password_reset_codes',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    /** What the code is for: 'password_reset', or 'presence' (she is at the till to spend her value). */
    purpose: text().notNull().default('password_reset'),
    codeHash: text().notNull(),
    attempts: integer().notNull().default(0),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId)],
);

/** Notes staff leave on a customer (shown on the clienteling card). */
export const staffNotes = pgTable(
  'staff_notes',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    staffId: text().notNull(),
    locationId: text(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId, t.createdAt)],
);

/** Audit of merges: who merged which two customers, why, and exactly what moved (so it can be undone). */
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: text().primaryKey(),
    survivorId: text()
      .notNull()
      .references(() => customers.id),
    mergedId: text()
      .notNull()
      .references(() => customers.id),
    reason: text().notNull(),
    staffId: text().notNull(),
    moved: jsonb().notNull().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp({ withTimezone: true }),
    undoneBy: text(),
  },
  (t) => [index().on(t.survivorId), index().on(t.mergedId)],
);

/** Where she may be reached — and 'location': whether her position may be used (位置情報, with purpose 'marketing'). */
export const consentChannels = ['email', 'push', 'line', 'sms', 'location'] as const;
export const consentPurposes = ['marketing', 'personalisation'] as const;
export type ConsentChannel = (typeof consentChannels)[number];
export type ConsentPurpose = (typeof consentPurposes)[number];

/** The current consent per channel × purpose (absent = not given). */
export const customerConsents = pgTable(
  'customer_consents',
  {
    customerId: text()
      .notNull()
      .references(() => customers.id),
    channel: text().notNull().$type<ConsentChannel>(),
    purpose: text().notNull().$type<ConsentPurpose>(),
    granted: boolean().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.channel, t.purpose] })],
);

/** Every consent change: who (the customer or a staff id), when, through which channel. */
export const consentHistory = pgTable(
  'consent_history',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    channel: text().notNull().$type<ConsentChannel>(),
    purpose: text().notNull().$type<ConsentPurpose>(),
    granted: boolean().notNull(),
    actor: text().notNull(),
    source: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId, t.at)],
);

/** APPI/GDPR requests (export, delete): every one is logged, whoever ran it. */
export const personalDataRequests = pgTable(
  'personal_data_requests',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    kind: text().notNull().$type<'export' | 'delete'>(),
    actor: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId)],
);

/**
 * Her last reported position (位置情報), only while she agrees to its use ('location' consent): one row,
 * overwritten by each report, deleted when she withdraws the consent and after POSITION_KEEP_DAYS without
 * a report. Nothing else about where she was is kept (APPI; docs/customers.md).
 */
export const customerPositions = pgTable('customer_positions', {
  customerId: text()
    .primaryKey()
    .references(() => customers.id),
  lat: doublePrecision().notNull(),
  lng: doublePrecision().notNull(),
  /** Metres, as the device reported it. */
  accuracy: doublePrecision(),
  at: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Her address book (お届け先): saved addresses she picks at checkout, one of them the default. Personal data:
 * exported as `addresses`, deleted with her account (personal-columns.ts).
 */
export const customerAddresses = pgTable(
  'customer_addresses',
  {
    id: text().primaryKey(),
    customerId: text()
      .notNull()
      .references(() => customers.id),
    /** Her own name for it: 自宅, 実家, 勤務先. */
    label: text().notNull().default(''),
    postalCode: text().notNull(),
    prefecture: text().notNull(),
    city: text().notNull(),
    line1: text().notNull(),
    line2: text(),
    name: text().notNull(),
    phone: text().notNull(),
    /** The pin she set on the map (local delivery measures the distance to it). */
    lat: doublePrecision(),
    lng: doublePrecision(),
    isDefault: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.customerId, t.createdAt)],
);
