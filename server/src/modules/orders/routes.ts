import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { requireCustomer } from '../../platform/auth.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { addLine, cartView, createCart, myCart, setFulfilment, setLine } from './carts.ts';
import { cartCouponRoutes } from './cart-coupons.ts';
import { checkout } from './place-order/checkout.ts';
import type { CheckoutDeps } from './deps.ts';
import { assertOrderAccess, myOrders, readOrder, readReceipt } from './access.ts';
import { storeQueue, transitionFulfilment } from './fulfilment.ts';
import type { FulfilmentStatus } from './schema.ts';
import { tillQuote, tillSale } from './pos.ts';
import { ordersCsv, searchOrders } from './search.ts';
import type { MemberCodeKey } from '../customers/service.ts';
import { createReturn, orderForReturn, returnsOf } from './returns.ts';
import { getSlotSettings, listSlots, prepBoard, setSlotCapacity } from './slots.ts';

const deviceId = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\w.:-]+$/);
const address = z.object({
  postalCode: z.string().regex(/^\d{3}-?\d{4}$/, 'postal_code'),
  prefecture: z.string().min(2).max(10),
  city: z.string().min(1).max(50),
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  name: z.string().min(1).max(100),
  phone: z.string().min(6).max(20),
  /** The address's pin (required for local delivery: the distance to the store is measured to it). */
  lat: z.number().min(20).max(46).optional(),
  lng: z.number().min(122).max(154).optional(),
});
const fulfilmentBody = z.object({
  type: z.enum(['ship', 'pickup', 'hold', 'order_ahead', 'delivery', 'instore']),
  locationId: z.string().max(64).optional(),
  slotStart: z.string().datetime().optional(),
  address: address.optional(),
});
const paymentBody = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('card'),
    card: z.object({ number: z.string().max(30).optional(), token: z.string().max(200).optional() }),
  }),
  z.object({ method: z.literal('wallet') }),
  z.object({ method: z.literal('pay_at_store') }),
]);
const anyJson = z.any();
const tillPayments = z.array(
  z.object({
    method: z.enum(['cash', 'terminal', 'wallet', 'points']),
    amount: z.number().int().min(1).max(10_000_000),
    tendered: z.number().int().min(0).max(10_000_000).optional(),
  }),
);

export const orderRoutes =
  (db: Db, deps: CheckoutDeps & { memberKey: MemberCodeKey }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['carts'];
    const open = { public: true, customer: true } as const;
    await app.register(cartCouponRoutes(db));
    app.post(
      '/api/carts',
      {
        config: open,
        schema: {
          tags,
          summary: 'Start a cart (anonymous device, member, or a till)',
          body: z.object({
            channel: z.enum(['web', 'app', 'store', 'line']).optional(),
            deviceId: deviceId.optional(),
            locationId: z.string().max(64).optional(),
          }),
          response: { 201: anyJson },
        },
      },
      async (req, reply) => reply.code(201).send(await createCart(db, req.principal, req.body)),
    );
    app.get(
      '/api/carts/:id',
      {
        schema: {
          tags,
          summary: 'A cart with totals, taxes and stock issues',
          params: idParam,
          response: { 200: anyJson },
        },
      },
      async (req) => cartView(db, req.principal, req.params.id),
    );
    app.get(
      '/api/account/cart',
      {
        schema: {
          tags: ['account'],
          summary: 'My open cart (the anonymous cart of this device joins it)',
          response: { 200: anyJson },
        },
      },
      async (req) => myCart(db, requireCustomer(req.principal)),
    );
    app.post(
      '/api/carts/:id/lines',
      {
        config: open,
        schema: {
          tags,
          summary: 'Add an item',
          params: idParam,
          body: z.object({
            variantId: z.string().min(1).max(64),
            quantity: z.number().int().min(1).max(99).default(1),
          }),
          response: { 200: anyJson },
        },
      },
      async (req) => addLine(db, req.principal, req.params.id, req.body.variantId, req.body.quantity),
    );
    app.put(
      '/api/carts/:id/lines/:variantId',
      {
        config: open,
        schema: {
          tags,
          summary: 'Set a line’s quantity (0 removes it)',
          params: z.object({ id: z.string().max(64), variantId: z.string().max(64) }),
          body: z.object({ quantity: z.number().int().min(0).max(99) }),
          response: { 200: anyJson },
        },
      },
      async (req) => setLine(db, req.principal, req.params.id, req.params.variantId, req.body.quantity),
    );
    app.delete(
      '/api/carts/:id/lines/:variantId',
      {
        config: open,
        schema: {
          tags,
          summary: 'Remove a line',
          params: z.object({ id: z.string().max(64), variantId: z.string().max(64) }),
          response: { 200: anyJson },
        },
      },
      async (req) => setLine(db, req.principal, req.params.id, req.params.variantId, 0),
    );
    app.put(
      '/api/carts/:id/fulfilment',
      {
        config: open,
        schema: {
          tags,
          summary: 'Choose shipping or a store to pick up from',
          params: idParam,
          body: fulfilmentBody,
          response: { 200: anyJson },
        },
      },
      async (req) => setFulfilment(db, req.principal, req.params.id, req.body),
    );
    app.post(
      '/api/carts/:id/checkout',
      {
        config: { ...open, idempotent: true },
        schema: {
          tags,
          summary: 'Place the order: stock reserved, card authorised, points and wallet taken — all or nothing',
          params: idParam,
          body: z.object({
            payment: paymentBody.optional(),
            usePoints: z.number().int().min(0).max(10_000_000).optional(),
            guest: z
              .object({
                name: z.string().min(1).max(100),
                email: z.string().email().max(254),
                phone: z.string().max(20).optional(),
              })
              .optional(),
          }),
          response: { 201: anyJson, 200: anyJson },
        },
      },
      async (req, reply) => {
        const { order, replayed } = await checkout(db, deps, req.principal, req.params.id, req.body);
        return reply.code(replayed ? 200 : 201).send(order);
      },
    );

    app.get(
      '/api/orders/:id',
      {
        schema: {
          tags: ['orders'],
          summary: 'An order (its member, or staff at its store)',
          params: idParam,
          response: { 200: anyJson },
        },
      },
      async (req) => {
        return readOrder(db, req.principal, req.params.id);
      },
    );
    app.get(
      '/api/account/orders',
      { schema: { tags: ['account'], summary: 'My orders, newest first', response: { 200: anyJson } } },
      async (req) => ({ items: await myOrders(db, req.principal) }),
    );
    app.get(
      '/api/locations/:id/order-queue',
      {
        schema: {
          tags: ['orders'],
          summary: 'A store’s live queue: pickups to prepare and hand over, ship-from-store',
          params: idParam,
          response: { 200: anyJson },
        },
      },
      async (req) => ({ items: await storeQueue(db, req.principal, req.params.id) }),
    );
    app.get(
      '/api/locations/:id/slots',
      {
        config: { public: true, customer: true },
        schema: {
          tags: ['orders'],
          summary:
            'A store’s slots on a day (Japan date; times in UTC) with capacity, booked and remaining: order-ahead pickup (10 minutes) or local delivery windows (30 minutes)',
          params: idParam,
          querystring: z.object({
            kind: z.enum(['order_ahead', 'delivery']).default('order_ahead'),
            date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date'),
          }),
          response: { 200: anyJson },
        },
      },
      async (req) => listSlots(db, req.params.id, req.query.kind, req.query.date),
    );
    app.get(
      '/api/locations/:id/slot-settings',
      {
        schema: {
          tags: ['orders'],
          summary: 'A store’s orders per slot of a kind and the slot length (staff of the store)',
          params: idParam,
          querystring: z.object({ kind: z.enum(['order_ahead', 'delivery']).default('order_ahead') }),
          response: { 200: anyJson },
        },
      },
      async (req) => getSlotSettings(db, req.principal, req.params.id, req.query.kind),
    );
    app.put(
      '/api/locations/:id/slot-settings',
      {
        schema: {
          tags: ['orders'],
          summary:
            'Set a store’s orders per slot: order-ahead (10 minutes) or delivery windows (30 minutes) (owner, hq, store manager)',
          params: idParam,
          body: z.object({
            kind: z.enum(['order_ahead', 'delivery']).default('order_ahead'),
            capacity: z.number().int().min(0).max(1000),
          }),
          response: { 200: anyJson },
        },
      },
      async (req) => setSlotCapacity(db, req.principal, req.params.id, req.body.kind, req.body.capacity),
    );
    app.get(
      '/api/locations/:id/prep-board',
      {
        schema: {
          tags: ['orders'],
          summary:
            'The café’s preparation board: today’s (or `date`’s, Japan time) order-ahead orders not yet picked up, by slot (staff of the store)',
          params: idParam,
          querystring: z.object({
            date: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'date')
              .optional(),
          }),
          response: { 200: anyJson },
        },
      },
      async (req) => prepBoard(db, req.principal, req.params.id, { date: req.query.date }),
    );
    app.post(
      '/api/orders/:id/fulfilments/:fulfilmentId/status',
      {
        config: { idempotent: true },
        schema: {
          tags: ['orders'],
          summary:
            'Move a fulfilment on: picking → ready → picked_up, shipped → delivered, or cancelled (a hold is paid at the till when picked up)',
          params: z.object({ id: z.string().max(64), fulfilmentId: z.string().max(64) }),
          body: z.object({
            status: z.enum(['picking', 'ready', 'picked_up', 'shipped', 'delivered', 'cancelled']),
            payments: tillPayments.max(5).optional(),
          }),
          response: { 200: anyJson },
        },
      },
      async (req) =>
        transitionFulfilment(
          db,
          deps,
          req.principal,
          req.params.id,
          req.params.fulfilmentId,
          req.body.status as FulfilmentStatus,
          { payments: req.body.payments },
        ),
    );

    const basketBody = z.object({
      locationId: z.string().min(1).max(64),
      lines: z
        .array(
          z.object({
            jan: z.string().max(20).optional(),
            variantId: z.string().max(64).optional(),
            quantity: z.number().int().min(1).max(999),
          }),
        )
        .min(1)
        .max(200),
      memberCode: z.string().max(200).optional(),
      memberNumber: z.string().max(40).optional(),
      customerId: z.string().max(64).optional(),
      coupons: z.array(z.string().min(1).max(40)).max(5).optional(),
    });
    app.post(
      '/api/pos/quote',
      {
        schema: {
          tags: ['pos'],
          summary: 'Price a till basket (promotions, tier, coupons, 内消費税) without selling it',
          body: basketBody,
          response: { 200: anyJson },
        },
      },
      async (req) => tillQuote(db, deps.memberKey, req.principal, req.body),
    );
    app.post(
      '/api/pos/sales',
      {
        config: { idempotent: true },
        schema: {
          tags: ['pos'],
          summary:
            'A sale at the till: JAN lines, member, split payments with change, receipt (clientTransactionId makes a resubmission harmless)',
          body: z.object({
            locationId: z.string().min(1).max(64),
            lines: z
              .array(
                z.object({
                  jan: z.string().max(20).optional(),
                  variantId: z.string().max(64).optional(),
                  quantity: z.number().int().min(1).max(999),
                }),
              )
              .min(1)
              .max(200),
            memberCode: z.string().max(200).optional(),
            memberNumber: z.string().max(40).optional(),
            customerId: z.string().max(64).optional(),
            coupons: z.array(z.string().min(1).max(40)).max(5).optional(),
            payments: tillPayments.min(1).max(5),
            clientTransactionId: z.string().min(1).max(100),
          }),
          response: { 201: anyJson, 200: anyJson },
        },
      },
      async (req, reply) => {
        const r = await tillSale(db, deps.memberKey, req.principal, req.body);
        return reply.code(r.replayed ? 200 : 201).send(r);
      },
    );
    app.post(
      '/api/orders/:id/returns',
      {
        config: { idempotent: true },
        schema: {
          tags: ['orders'],
          summary:
            'Returns anywhere: take back handed-over goods at any store, restock there, refund in proportion to the payments, reverse earned points',
          params: idParam,
          body: z.object({
            lines: z
              .array(
                z.object({
                  orderLineId: z.string().min(1).max(64),
                  quantity: z.number().int().min(1).max(999),
                  condition: z.enum(['resellable', 'damaged']).optional(),
                }),
              )
              .min(1)
              .max(200),
            locationId: z.string().min(1).max(64),
            reason: z.string().min(1).max(500),
            refundMethod: z.enum(['original', 'wallet', 'cash']).optional(),
          }),
          response: { 201: anyJson, 200: anyJson },
        },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const r = await createReturn(
          db,
          deps,
          req.principal,
          req.params.id,
          req.body,
          typeof key === 'string' ? key : undefined,
        );
        return reply.code(r.replayed ? 200 : 201).send({ return: r.return, order: r.order });
      },
    );
    app.get(
      '/api/returns/lookup',
      {
        schema: {
          tags: ['orders'],
          summary:
            'The order a customer brings back, by the number on the receipt (any staff: returns are taken at any store), with its earlier returns',
          querystring: z.object({ number: z.string().min(1).max(40) }),
          response: { 200: anyJson },
        },
      },
      async (req) => orderForReturn(db, req.principal, req.query.number),
    );
    app.get(
      '/api/orders/:id/returns',
      {
        schema: {
          tags: ['orders'],
          summary: 'An order’s returns with refunds per method',
          params: idParam,
          response: { 200: anyJson },
        },
      },
      async (req) => {
        await assertOrderAccess(db, req.principal, req.params.id);
        return { items: await returnsOf(db, req.params.id) };
      },
    );
    app.get(
      '/api/orders/:id/receipt',
      {
        schema: {
          tags: ['orders'],
          summary: 'The receipt (printable 80 mm at the till, digital in the app)',
          params: idParam,
          response: { 200: anyJson },
        },
      },
      async (req) => {
        return readReceipt(db, req.principal, req.params.id);
      },
    );

    const orderQuery = z.object({
      q: z.string().max(100).optional(),
      channel: z.enum(['web', 'app', 'store', 'line']).optional(),
      status: z.enum(['placed', 'completed', 'cancelled']).optional(),
      locationId: z.string().max(64).optional(),
      from: z.string().datetime({ offset: true }).optional(),
      to: z.string().datetime({ offset: true }).optional(),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    });
    app.get(
      '/api/orders',
      {
        schema: {
          tags: ['orders'],
          summary: 'Search orders across channels (staff; store roles see their stores)',
          querystring: orderQuery,
          response: { 200: anyJson },
        },
      },
      async (req) => searchOrders(db, req.principal, req.query),
    );
    app.get(
      '/api/orders.csv',
      {
        schema: {
          tags: ['orders'],
          summary: 'The same search as CSV for spreadsheets (UTF-8 with BOM, up to 10,000 rows)',
          querystring: orderQuery.omit({ cursor: true, limit: true }),
        },
      },
      async (req, reply) => {
        const rows = [];
        let cursor: string | undefined;
        do {
          const page = await searchOrders(db, req.principal, { ...req.query, cursor, limit: 200 });
          rows.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && rows.length < 10_000);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="orders.csv"')
          .send(ordersCsv(rows));
      },
    );
  };
