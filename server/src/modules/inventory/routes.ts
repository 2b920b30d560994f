import { labelReservations } from './reservation-labels.ts';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readerFor, type Db } from '../../platform/db/connection.ts';
import { requireStaff } from '../../platform/auth.ts';
import { fileAnswer, idList, idParam, latLng, limitParam, cursorParam } from '../../platform/http/schemas.ts';
import { csvEncodingParam, sendCsv } from '../../platform/csv-export.ts';
import {
  stockLevelCsvColumns,
  stockLevelExportPages,
  stockMovementCsvColumns,
  stockMovementExportPages,
} from './exports.ts';
import { reservationReasons } from './schema.ts';
import {
  setReorderPoint,
  availabilityAtLocation,
  availabilityOfProduct,
  availabilityOfVariant,
  commitReservation,
  extendReservation,
  getReservation,
  levelsAtLocation,
  listMovements,
  listReservations,
  listReconciliations,
  listTransfers,
  moveStock,
  receiveTransfer,
  releaseReservation,
  reserveStock,
  resolveReconciliation,
} from './service.ts';

const qty = z.number().int().min(1).max(1_000_000);
const levelSchema = z.object({
  variantId: z.string(),
  locationId: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  inTransit: z.number(),
  available: z.number(),
});
const movementSchema = z.object({
  id: z.string(),
  variantId: z.string(),
  locationId: z.string(),
  kind: z.string(),
  quantity: z.number(),
  onHandAfter: z.number(),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  transferId: z.string().nullable(),
  reservationId: z.string().nullable(),
  staffId: z.string().nullable(),
  createdAt: z.date(),
});
const transferSchema = z.object({
  id: z.string(),
  variantId: z.string(),
  fromLocationId: z.string(),
  toLocationId: z.string(),
  quantity: z.number(),
  status: z.enum(['in_transit', 'received']),
  reference: z.string().nullable(),
  createdBy: z.string().nullable(),
  receivedBy: z.string().nullable(),
  createdAt: z.coerce.date(),
  receivedAt: z.coerce.date().nullable(),
});
const lineSchema = z.object({
  variantId: z.string().min(1).max(64),
  locationId: z.string().min(1).max(64),
  quantity: qty,
});
const reservationSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'released', 'committed', 'expired']),
  reason: z.enum(reservationReasons),
  reference: z.string().nullable(),
  expiresAt: z.date(),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  /** When it last changed state (released, committed, extended); absent on a reservation read back. */
  updatedAt: z.date().optional(),
  lines: z.array(lineSchema),
});
/** A reservation as the store's list shows it: the products in words, and whose hold it is. */
const labelledReservation = reservationSchema.extend({
  holder: z.string().nullable().describe('A hold: the member it is for (her name)'),
  lines: z.array(lineSchema.extend({ name: z.string(), options: z.record(z.string(), z.string()), jan: z.string() })),
});
const moveResult = z.object({ movement: movementSchema, level: levelSchema, transfer: transferSchema.optional() });

const moveBody = z
  .object({
    variantId: z.string().min(1).max(64),
    locationId: z.string().min(1).max(64),
    kind: z.enum(['receipt', 'sale', 'return', 'adjustment', 'count', 'transfer']),
    quantity: z.number().int().min(-1_000_000).max(1_000_000),
    reason: z.string().trim().max(500).optional(),
    reference: z.string().max(200).optional(),
    toLocationId: z.string().min(1).max(64).optional(),
  })
  .superRefine((b, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    if (b.kind === 'adjustment') {
      if (b.quantity === 0) issue('nonzero', 'quantity');
      if (!b.reason) issue('reason_required', 'reason');
    } else if (b.kind === 'count') {
      if (b.quantity < 0) issue('positive_for_kind', 'quantity');
    } else if (b.quantity < 1) issue('positive_for_kind', 'quantity');
    if (b.kind === 'transfer') {
      if (!b.toLocationId) issue('to_location_required', 'toLocationId');
      else if (b.toLocationId === b.locationId) issue('same_location', 'toLocationId');
    }
  });

const reconciliationSchema = z.object({
  id: z.string(),
  variantId: z.string(),
  locationId: z.string(),
  quantity: z.number(),
  reference: z.string().nullable(),
  productName: z.string(),
  options: z.record(z.string(), z.string()),
  jan: z.string(),
  createdAt: z.date(),
  resolvedAt: z.date().nullable(),
  resolvedBy: z.string().nullable(),
});

const ttlSeconds = z
  .number()
  .int()
  .min(1)
  .max(60 * 60 * 24 * 30);

/**
 * `read`: the lag-tolerant read handle (the replica when there is one) for the public availability lists;
 * staff read them from the primary (readerFor) — a count or a receipt they just entered shows at once.
 */
export const inventoryRoutes =
  (db: Db, read: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/stock-movements',
      {
        config: { idempotent: true },
        schema: {
          tags: ['inventory'],
          summary: 'Record a receipt, sale, return, adjustment, count or transfer',
          description:
            'quantity: units for receipt/sale/return/transfer; the signed change for adjustment (reason required); the counted total for count. ' +
            'A transfer moves stock out now and into toLocationId when received (POST /api/transfers/{id}/receive).',
          body: moveBody,
          response: { 201: moveResult },
        },
      },
      async (req, reply) => reply.code(201).send(await moveStock(db, req.principal, req.body)),
    );

    app.get(
      '/api/stock-movements',
      {
        schema: {
          tags: ['inventory'],
          summary: 'The movement ledger of a location, newest first',
          querystring: z.object({
            locationId: z.string().max(64),
            variantId: z.string().max(64).optional(),
            cursor: cursorParam,
            limit: limitParam,
          }),
          response: { 200: z.object({ items: z.array(movementSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (req) => listMovements(db, req.principal, { ...req.query, before: req.query.cursor }),
    );

    app.get(
      '/api/transfers',
      {
        schema: {
          tags: ['inventory'],
          summary: 'Transfers into or out of a location',
          querystring: z.object({
            locationId: z.string().max(64),
            status: z.enum(['in_transit', 'received']).optional(),
          }),
          response: { 200: z.object({ items: z.array(transferSchema) }) },
        },
      },
      async (req) => ({ items: await listTransfers(db, req.principal, req.query) }),
    );

    app.post(
      '/api/transfers/:id/receive',
      {
        config: { idempotent: true },
        schema: {
          tags: ['inventory'],
          summary: 'Receive a transfer at its destination',
          params: idParam,
          response: { 201: moveResult },
        },
      },
      async (req, reply) => reply.code(201).send(await receiveTransfer(db, req.principal, req.params.id)),
    );

    app.post(
      '/api/reservations',
      {
        config: { idempotent: true },
        schema: {
          tags: ['inventory'],
          summary: 'Reserve stock: all lines or none (409 names the short line)',
          body: z
            .object({
              lines: z.array(lineSchema).min(1).max(100),
              ttlSeconds: ttlSeconds.default(900),
              reason: z.enum(reservationReasons),
              reference: z.string().max(200).optional(),
            })
            .refine((b) => new Set(b.lines.map((l) => `${l.variantId}|${l.locationId}`)).size === b.lines.length, {
              message: 'unique_lines',
              path: ['lines'],
            }),
          response: { 201: reservationSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await reserveStock(db, req.principal, req.body)),
    );

    app.put(
      '/api/stock-levels/reorder-point',
      {
        schema: {
          tags: ['inventory'],
          summary:
            'Set the reorder point (発注点) of a variant at a location: inventory.low when available falls below it',
          body: z.object({
            variantId: z.string().min(1).max(64),
            locationId: z.string().min(1).max(64),
            reorderPoint: z
              .number()
              .int()
              .min(0)
              .max(1_000_000)
              .nullable()
              .describe('Units; null: the configured default (INVENTORY_REORDER_POINT) applies'),
          }),
          response: {
            200: z.object({ variantId: z.string(), locationId: z.string(), reorderPoint: z.number().int().nullable() }),
          },
        },
      },
      async (req) => setReorderPoint(db, req.principal, req.body.variantId, req.body.locationId, req.body.reorderPoint),
    );

    app.get(
      '/api/stock-reconciliations',
      {
        schema: {
          tags: ['inventory'],
          summary:
            'Till sales that sold more than was free on record at a store (an offline sale, a web reservation taken): open first',
          querystring: z.object({
            locationId: z.string().max(64),
            open: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
          }),
          response: { 200: z.object({ items: z.array(reconciliationSchema) }) },
        },
      },
      async (req) => ({ items: await listReconciliations(db, req.principal, req.query) }),
    );

    app.post(
      '/api/stock-reconciliations/:id/resolve',
      {
        config: { idempotent: true },
        schema: {
          tags: ['inventory'],
          summary: 'The store manager has counted and dealt with it: off the open list',
          params: idParam,
          response: { 200: reconciliationSchema },
        },
      },
      async (req) => resolveReconciliation(db, req.principal, req.params.id),
    );

    app.get(
      '/api/reservations',
      {
        schema: {
          tags: ['inventory'],
          summary: 'Reservations at a location, newest first',
          querystring: z.object({
            locationId: z.string().max(64),
            status: z.enum(['active', 'released', 'committed', 'expired']).optional(),
            limit: limitParam,
          }),
          response: { 200: z.object({ items: z.array(labelledReservation) }) },
        },
      },
      async (req) => ({ items: await labelReservations(db, await listReservations(db, req.principal, req.query)) }),
    );

    app.get(
      '/api/reservations/:id',
      {
        schema: {
          tags: ['inventory'],
          summary: 'One reservation',
          params: idParam,
          response: { 200: reservationSchema },
        },
      },
      async (req) => getReservation(db, req.principal, req.params.id),
    );

    for (const [verb, fn, summary] of [
      ['release', releaseReservation, 'Release a reservation: the stock becomes available again'],
      ['commit', commitReservation, 'Commit a reservation: it becomes a sale movement'],
    ] as const) {
      app.post(
        `/api/reservations/:id/${verb}`,
        {
          config: { idempotent: true },
          schema: { tags: ['inventory'], summary, params: idParam, response: { 200: reservationSchema } },
        },
        async (req) => fn(db, req.principal, req.params.id),
      );
    }

    app.post(
      '/api/reservations/:id/extend',
      {
        config: { idempotent: true },
        schema: {
          tags: ['inventory'],
          summary: 'Extend an active reservation to now + ttlSeconds',
          params: idParam,
          body: z.object({ ttlSeconds }),
          response: { 200: reservationSchema },
        },
      },
      async (req) => extendReservation(db, req.principal, req.params.id, req.body.ttlSeconds),
    );

    app.get(
      '/api/availability',
      {
        schema: {
          tags: ['inventory'],
          summary:
            'Availability of one variant everywhere (variantId, near), or of many variants at one location (locationId, variantIds)',
          security: [],
          querystring: z
            .object({
              variantId: z.string().max(64).optional(),
              near: latLng.optional(),
              locationId: z.string().max(64).optional(),
              variantIds: idList(500).optional(),
            })
            .refine((q) => !!q.variantId || (!!q.locationId && !!q.variantIds), {
              message: 'variantId or locationId+variantIds',
              path: ['variantId'],
            }),
          response: {
            200: z.object({
              items: z.array(
                levelSchema.extend({
                  locationName: z.string().optional(),
                  kind: z.enum(['store', 'warehouse']).optional(),
                  distanceKm: z.number().nullable().optional(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => {
        const q = req.query;
        const reader = readerFor(req.principal, db, read);
        if (q.variantId) return { items: await availabilityOfVariant(reader, q.variantId, q.near) };
        return { items: await availabilityAtLocation(reader, q.locationId!, q.variantIds!) };
      },
    );

    app.get(
      '/api/products/:id/availability',
      {
        schema: {
          tags: ['inventory'],
          summary:
            'Every variant of a product at every location, nearest first (with near and limit: the nearest `limit` only)',
          security: [],
          params: idParam,
          querystring: z.object({
            near: latLng.optional(),
            limit: z.coerce
              .number()
              .int()
              .min(1)
              .max(500)
              .optional()
              .describe('With near: only the nearest this many locations (a chain of hundreds of stores)'),
            also: idList(5)
              .optional()
              .describe(
                "With near and limit: these locations are listed too wherever they are (comma-separated ids; the member's マイストア)",
              ),
          }),
          response: {
            200: z.object({
              productId: z.string(),
              locations: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  kind: z.enum(['store', 'warehouse']),
                  distanceKm: z.number().nullable(),
                  lat: z.number(),
                  lng: z.number(),
                  services: z.object({
                    pickup: z.boolean(),
                    orderAhead: z.boolean(),
                    deliveryRadiusKm: z.number().nullable(),
                    shipping: z.boolean(),
                  }),
                }),
              ),
              items: z.array(levelSchema),
            }),
          },
        },
      },
      async (req) =>
        availabilityOfProduct(
          readerFor(req.principal, db, read),
          req.params.id,
          req.query.near,
          req.query.limit,
          req.query.also,
        ),
    );

    app.get(
      '/api/locations/:id/stock',
      {
        schema: {
          tags: ['inventory'],
          summary: 'Stock levels at a location (staff)',
          params: idParam,
          querystring: z.object({ variantIds: idList(500).optional() }),
          response: { 200: z.object({ items: z.array(levelSchema) }) },
        },
      },
      async (req) => {
        requireStaff(req.principal);
        return { items: await levelsAtLocation(db, req.params.id, req.query.variantIds) };
      },
    );

    const encoding = csvEncodingParam;
    app.get(
      '/api/stock-levels.csv',
      {
        schema: {
          tags: ['inventory'],
          summary: 'Export stock by location as CSV, every variant × location (streamed)',
          description:
            'One location (`locationId`, any staff who act there), or every store (head office) / her own stores (store roles). ' +
            'On hand, reserved, available, in transit; times in Asia/Tokyo. UTF-8 with a BOM, or `encoding=shift_jis`.',
          querystring: z.object({ locationId: z.string().max(64).optional(), encoding }),
          response: { 200: fileAnswer('text/csv', 'The stock levels as CSV') },
        },
      },
      async (req, reply) =>
        sendCsv(reply, {
          filename: 'stock-levels.csv',
          encoding: req.query.encoding,
          columns: stockLevelCsvColumns,
          page: stockLevelExportPages(db, req.principal, req.query),
        }),
    );
    app.get(
      '/api/stock-movements.csv',
      {
        schema: {
          tags: ['inventory'],
          summary: 'Export the stock movement ledger as CSV, oldest first (streamed)',
          description:
            'One location or, without `locationId`, every store (head office) / her own stores (store roles); `from`/`to` bound the time. ' +
            'Times in Asia/Tokyo. UTF-8 with a BOM, or `encoding=shift_jis`.',
          querystring: z.object({
            locationId: z.string().max(64).optional(),
            from: z.string().datetime({ offset: true }).optional(),
            to: z.string().datetime({ offset: true }).optional(),
            encoding,
          }),
          response: { 200: fileAnswer('text/csv', 'The stock movements as CSV') },
        },
      },
      async (req, reply) =>
        sendCsv(reply, {
          filename: 'stock-movements.csv',
          encoding: req.query.encoding,
          columns: stockMovementCsvColumns,
          page: stockMovementExportPages(db, req.principal, req.query),
        }),
    );
  };
