import { sql, type SQL } from 'drizzle-orm';
import type { ConsentChannel } from './schema.ts';

/**
 * What a segment may ask of identity, as SQL to compose into one query (engagement). Only members a
 * message may reach: active, neither merged into another nor deleted.
 */
export function membersSql(): SQL {
  return sql`SELECT id AS customer_id, member_number, name, name_kana, tier, birthday, home_location_id
               FROM customers WHERE status = 'active' AND deleted_at IS NULL AND merged_into IS NULL`;
}

/**
 * The records that are not members (one column: customer_id): not active, deleted or merged into another —
 * every customer not in membersSql. Few, and read from their own partial index (customers_inactive_index,
 * whose WHERE is this one word for word), so a segment that starts from a set of customer ids (who looked
 * at a category) can keep the members by taking these out, instead of walking every member to meet the set.
 */
export function nonMembersSql(): SQL {
  return sql`SELECT id AS customer_id FROM customers
              WHERE status <> 'active' OR deleted_at IS NOT NULL OR merged_into IS NOT NULL`;
}

/** Members who agreed to marketing on a channel (one column: customer_id). */
export function marketingConsentSql(channel: ConsentChannel): SQL {
  return sql`SELECT customer_id FROM customer_consents
              WHERE channel = ${channel} AND purpose = 'marketing' AND granted`;
}

/** Each member's first address of a kind (one row per member: customer_id, value) — where a message reaches her. */
export function contactSql(kind: 'email' | 'line' | 'phone'): SQL {
  return sql`SELECT DISTINCT ON (customer_id) customer_id, value FROM customer_identifiers
              WHERE kind = ${kind} ORDER BY customer_id, created_at`;
}

/**
 * Every merged-away record and the member she now is (id, person_id), following chains of merges to the
 * survivor: orders keep the merged record's id, so a reader of order history groups by person_id.
 */
export function survivorsSql(): SQL {
  return sql`WITH RECURSIVE up(id, person_id) AS (
               SELECT id, merged_into FROM customers WHERE merged_into IS NOT NULL
               UNION ALL
               SELECT u.id, c.merged_into FROM up u JOIN customers c ON c.id = u.person_id
                WHERE c.merged_into IS NOT NULL
             )
             SELECT u.id, u.person_id FROM up u JOIN customers c ON c.id = u.person_id WHERE c.merged_into IS NULL`;
}

/**
 * The persons some records now are (person_id, one column): each record followed up its chain of merges to
 * the survivor (itself when never merged). `ids`: a one-column subquery or list of customer ids.
 */
export function personsOfSql(ids: SQL): SQL {
  return sql`WITH RECURSIVE up(cur) AS (
               SELECT id FROM customers WHERE id IN (${ids})
               UNION
               SELECT c.merged_into FROM up u JOIN customers c ON c.id = u.cur WHERE c.merged_into IS NOT NULL
             )
             SELECT c.id AS person_id FROM up u JOIN customers c ON c.id = u.cur WHERE c.merged_into IS NULL`;
}

/**
 * Every record of some persons (person_id, id): each person herself and the records merged into her, down
 * every chain — whose orders are hers. `persons`: a one-column subquery or list of surviving customer ids.
 */
export function recordsOfSql(persons: SQL): SQL {
  return sql`WITH RECURSIVE down(person_id, id) AS (
               SELECT id, id FROM customers WHERE id IN (${persons}) AND merged_into IS NULL
               UNION
               SELECT d.person_id, c.id FROM down d JOIN customers c ON c.merged_into = d.id
             )
             SELECT person_id, id FROM down`;
}
