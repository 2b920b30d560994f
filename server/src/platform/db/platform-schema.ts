import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  index,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Stored first responses of POSTs sent with an Idempotency-Key (kept IDEMPOTENCY_TTL_HOURS). */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    principal: text().notNull(),
    key: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    requestHash: text().notNull(),
    status: text().notNull().$type<'running' | 'done'>(),
    responseStatus: integer(),
    responseType: text(),
    responseBody: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
    /** The attempt running the request ('running'); only it renews the lease or stores the answer. */
    owner: text(),
    /**
     * A running key belongs to its owner until then; the owner renews it while it works, so a lapsed lease
     * means the owner died and the next retry may take the key over. The default covers rows written by a
     * copy that predates leases (it never renews; its request is long done when the default lapses).
     */
    leaseUntil: timestamp({ withTimezone: true }).default(sql`now() + interval '30 seconds'`),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index().on(t.createdAt)],
);

/** Small key/value settings shared by every app copy (e.g. the generated signing secret). */
export const settings = pgTable('settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Messages to send (e-mail, LINE, webhooks …), written in the same transaction as the change that causes them
 * and delivered afterwards (platform/dispatcher.ts), so nothing is sent for a change that rolled back and
 * nothing is lost on a crash. A row is claimed with a lease (lease_until, claim_token) in a statement of its
 * own, sent with no transaction open, and its outcome recorded in another short statement.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    channel: text().notNull(),
    recipient: text().notNull(),
    template: text().notNull(),
    payload: jsonb().notNull().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Attempts started (counted when claimed, so a message that crashes its sender still runs out). */
    attempts: integer().notNull().default(0),
    /** Not before this time: the retry backoff. */
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Claimed by a sender until then; a crashed copy's claims come back when it lapses. */
    leaseUntil: timestamp({ withTimezone: true }),
    /** Which claim holds the lease: only that claim may record the outcome. */
    claimToken: text(),
    sentAt: timestamp({ withTimezone: true }),
    /** Gave up (after the last attempt, or a permanent refusal): a dead letter HQ can retry. */
    deadAt: timestamp({ withTimezone: true }),
    /** The partner's last answer, when it has one (an HTTP status). */
    lastStatus: integer(),
    lastError: text(),
    /**
     * What a redelivered event's subscriber writes again (after a crash between its writes and the event's
     * record): the same key, so the second write is a no-op and no message goes out twice.
     */
    dedupeKey: text(),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_idx').on(t.dedupeKey),
    // The dispatcher claims each channel's oldest due messages.
    index('outbox_due_idx')
      .on(t.channel, t.nextAttemptAt, t.id)
      .where(sql`sent_at IS NULL AND dead_at IS NULL`),
    index('outbox_dead_idx')
      .on(t.deadAt)
      .where(sql`dead_at IS NOT NULL`),
    index('outbox_recipient_idx').on(t.channel, t.recipient, t.id),
  ],
);

/**
 * Which public events some integration listens to now (platform/event-demand.ts): one row per event and
 * source ('webhook': an active endpoint's filter wants it; 'nats': NATS_URL is set). News written only for
 * integrations (stock levels, points, products, prices, customers, refunds) is written only while its row
 * exists, so a shop without integrations pays a primary-key lookup, not an outbox row, per change.
 */
export const eventDemand = pgTable(
  'event_demand',
  {
    event: text().notNull(),
    source: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.event, t.source] })],
);

/**
 * Attempt counters for guessing protection (platform/login-throttle.ts): one row per key (an account at an
 * address, an account, an address), counted up in the statement that also reads the count.
 */
export const loginAttempts = pgTable('login_attempts', {
  key: text().primaryKey(),
  windowStart: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** Attempts counted in the window, refused ones included. */
  count: integer().notNull().default(0),
  lastAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** Attempts let through to a check in the window (an account at an address): the delay grows with them. */
  checked: integer().notNull().default(0),
  /** An account at an address: no attempt is checked before then (the exponential delay). */
  blockedUntil: timestamp({ withTimezone: true }),
  /** Whether the latest attempt counted here was refused without a check (read back by the counting statement). */
  refused: boolean().notNull().default(false),
  /** An account over its limit: the hash of the code e-mailed to her, its expiry and the wrong tries at it. */
  codeHash: text(),
  codeExpiresAt: timestamp({ withTimezone: true }),
  codeAttempts: integer().notNull().default(0),
});

/**
 * Who did what to whom, for the owner to search (platform/audit.ts): staff reads of a full customer
 * profile, changes and exports of personal data, value created by hand. Append-only.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text().primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** A staff id, `customer:<id>`, or `anonymous` (auth.ts auditActor). */
    actor: text().notNull(),
    action: text().notNull(),
    subjectType: text().notNull(),
    subjectId: text().notNull(),
    locationId: text(),
    detail: jsonb().notNull().$type<Record<string, unknown>>().default({}),
  },
  (t) => [index().on(t.subjectId, t.at), index().on(t.actor, t.at), index().on(t.at)],
);
