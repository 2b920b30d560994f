import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { readOne, readPart, type ReadPart } from '../../platform/db/read-parts.ts';
import { ofPerson } from '../customers/service.ts';
import type { FulfilmentStatus, FulfilmentType, OrderChannel } from './schema.ts';

/**
 * What a clerk sees of a member's orders on the clienteling card: what she bought lately in any channel, with
 * the size and colour of each line (「M を買われています」), and what waits for her at a counter.
 */

export interface MemberPurchase {
  orderId: string;
  number: string;
  channel: OrderChannel;
  /** Where it was sold (a till) or handed over / sent from; null when unknown. */
  locationId: string | null;
  locationName: string | null;
  at: string;
  productId: string;
  variantId: string;
  name: string;
  /** As sold: {サイズ: 'M', カラー: 'ネイビー'}. */
  options: Record<string, string>;
  quantity: number;
  returnedQuantity: number;
}

/** Her latest order lines across channels (cancelled orders and holds not yet collected left out), newest first. */
export async function memberPurchases(db: Executor, customerId: string, limit = 20): Promise<MemberPurchase[]> {
  return readOne(db, memberPurchasesPart(customerId, limit));
}

/** memberPurchases as a part of a larger read (platform/db/read-parts.ts). */
export function memberPurchasesPart(customerId: string, limit = 20): ReadPart<MemberPurchase[]> {
  return readPart<MemberPurchase, MemberPurchase[]>(
    sql`SELECT o.id AS "orderId", o.number, o.channel, loc.id AS "locationId", loc.name AS "locationName", o.created_at AS at,
               l.product_id AS "productId", l.variant_id AS "variantId", l.name, l.options, l.quantity, l.returned_quantity AS "returnedQuantity"
          FROM (SELECT * FROM orders WHERE ${ofPerson(sql`customer_id`, customerId)} AND status <> 'cancelled'
                   -- A hold is paid when she collects it: until then it is waiting (openCollections), not bought.
                   AND NOT EXISTS (SELECT 1 FROM fulfilments h WHERE h.order_id = orders.id AND h.type = 'hold' AND h.status IN ('placed', 'picking', 'ready'))
                 ORDER BY created_at DESC, id DESC LIMIT ${limit}) o
          JOIN order_lines l ON l.order_id = o.id
          LEFT JOIN LATERAL (SELECT location_id FROM fulfilments f WHERE f.order_id = o.id ORDER BY f.id LIMIT 1) f ON true
          LEFT JOIN locations loc ON loc.id = coalesce(o.location_id, f.location_id)
         ORDER BY o.created_at DESC, o.id DESC, l.id
         LIMIT ${limit}`,
    (rows) =>
      rows.map((r) => ({
        ...r,
        at: new Date(r.at).toISOString(),
        quantity: Number(r.quantity),
        returnedQuantity: Number(r.returnedQuantity),
      })),
  );
}

export interface OpenCollection {
  orderId: string;
  number: string;
  fulfilmentId: string;
  type: Extract<FulfilmentType, 'pickup' | 'hold' | 'order_ahead'>;
  status: Extract<FulfilmentStatus, 'placed' | 'picking' | 'ready'>;
  locationId: string;
  locationName: string | null;
  deadline: string | null;
  lines: Array<{ name: string; options: Record<string, string>; quantity: number }>;
}

/** Her holds (取り置き), pickups and mobile orders not yet handed over, the soonest deadline first. */
export async function openCollections(db: Executor, customerId: string): Promise<OpenCollection[]> {
  return readOne(db, openCollectionsPart(customerId));
}

/** openCollections as a part of a larger read (platform/db/read-parts.ts). */
export function openCollectionsPart(customerId: string): ReadPart<OpenCollection[]> {
  return readPart<OpenCollection, OpenCollection[]>(
    sql`SELECT o.id AS "orderId", o.number, f.id AS "fulfilmentId", f.type, f.status, f.location_id AS "locationId",
               loc.name AS "locationName", f.deadline,
               (SELECT coalesce(json_agg(json_build_object('name', l.name, 'options', l.options, 'quantity', l.quantity) ORDER BY l.id), '[]')
                  FROM order_lines l WHERE l.order_id = o.id AND l.fulfilment_id = f.id) AS lines
          FROM orders o
          JOIN fulfilments f ON f.order_id = o.id
          LEFT JOIN locations loc ON loc.id = f.location_id
         WHERE ${ofPerson(sql`o.customer_id`, customerId)} AND o.status = 'placed'
           AND f.type IN ('pickup', 'hold', 'order_ahead') AND f.status IN ('placed', 'picking', 'ready')
         ORDER BY f.deadline NULLS LAST, f.id
         LIMIT 20`,
    (rows) => rows.map((r) => ({ ...r, deadline: r.deadline ? new Date(r.deadline).toISOString() : null })),
  );
}
