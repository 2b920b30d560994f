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
