import { z } from 'zod';
import { desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { MemberCodeKey } from '../customers/service.ts';
import type { Db } from '../../platform/db/connection.ts';
import { requireCustomer } from '../../platform/auth.ts';
import { fileAnswer, idParam } from '../../platform/http/schemas.ts';
import { pointBalance } from '../loyalty/service.ts';
import { readOrder, readReceipt } from './access.ts';
import type { CheckoutDeps } from './deps.ts';
import { storeQueue, transitionFulfilment } from './fulfilment.ts';
import { changeOf, receiptOf } from './receipt.ts';
import { printReceipt, printTestSlip } from './receipt-print.ts';
import { orders } from './schema.ts';
import {
  fulfilmentStatusBody,
  fulfilmentStatusParams,
  orderList,
  orderPage,
  orderQuery,
  orderView as orderAnswer,
  receiptView,
} from './schemas.ts';
import { searchOrders } from './search.ts';
import { orderCsvColumns, orderExportPages, orderLineCsvColumns, orderLineExportPages } from './exports.ts';
import { csvEncodingParam, sendCsv } from '../../platform/csv-export.ts';
import { orderView, orderViews } from './views.ts';
import { callers } from '../../platform/http/openapi.ts';

const tags = ['orders'];

/** Orders once placed: read one, a member's history, a store's queue, moving fulfilments on, search and CSV. */
export const ordersRoutes =
  (db: Db, deps: CheckoutDeps & { memberKey: MemberCodeKey; printerTimeoutMs: number }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/orders/:id',
      {
        schema: {
          security: callers.staffOrCustomer,
          tags,
          summary: 'An order (its member, or staff at its store)',
          params: idParam,
          response: { 200: orderAnswer },
        },
      },
      async (req) => readOrder(db, req.principal, req.params.id),
    );
    app.get(
      '/api/locations/:id/order-queue',
      {
        schema: {
          tags,
          summary: 'A store’s live queue: pickups to prepare and hand over, ship-from-store',
          params: idParam,
          response: { 200: orderList },
        },
      },
      async (req) => ({ items: await storeQueue(db, req.principal, req.params.id) }),
    );
    app.post(
      '/api/orders/:id/fulfilments/:fulfilmentId/status',
      {
        config: { idempotent: true },
        schema: {
          tags,
          summary:
            'Move a fulfilment on: picking → ready → picked_up, shipped → delivered, or cancelled (a hold is paid at the till when picked up)',
          params: fulfilmentStatusParams,
          body: fulfilmentStatusBody,
          response: { 200: orderAnswer },
        },
      },
      async (req) =>
        transitionFulfilment(db, deps, req.principal, req.params.id, req.params.fulfilmentId, req.body.status, {
          payments: req.body.payments,
          presenceToken: req.body.presenceToken,
          memberKey: deps.memberKey,
        }),
    );
    app.get(
      '/api/orders/:id/receipt',
      {
        schema: {
          security: callers.staffOrCustomer,
          tags,
          summary: 'The receipt (printable 80 mm at the till, digital in the app)',
          params: idParam,
          response: { 200: receiptView },
        },
      },
      async (req) => readReceipt(db, req.principal, req.params.id),
    );
    app.post(
      '/api/orders/:id/print',
      {
        schema: {
          tags,
          summary:
            "Print the receipt on its store's ESC/POS printer (the store's staff); copy: true prints it marked 再発行 and opens no drawer",
          params: idParam,
          body: z.object({ copy: z.boolean().optional() }),
          response: { 200: z.object({ printed: z.literal(true), copy: z.boolean() }) },
        },
      },
      async (req) =>
        printReceipt(db, req.principal, req.params.id, {
          copy: req.body.copy ?? false,
          timeoutMs: deps.printerTimeoutMs,
        }),
    );
    app.post(
      '/api/locations/:id/receipt-printer/test',
      {
        schema: {
          tags,
          summary:
            "Print a test slip (「テスト印刷」) on the store's receipt printer as saved, even while switched off; no drawer (its manager, head office)",
          params: idParam,
          response: { 200: z.object({ printed: z.literal(true) }) },
        },
      },
      async (req) => printTestSlip(db, req.principal, req.params.id, { timeoutMs: deps.printerTimeoutMs }),
    );
    app.get(
      '/api/orders',
      {
        schema: {
          tags,
          summary: 'Search orders across channels (staff; store roles see their stores)',
          querystring: orderQuery,
          response: { 200: orderPage },
        },
      },
      async (req) => searchOrders(db, req.principal, req.query),
    );
    const exportQuery = orderQuery.omit({ cursor: true, limit: true }).extend({ encoding: csvEncodingParam });
    app.get(
      '/api/orders.csv',
      {
        schema: {
          tags,
          summary: 'Export the orders the search finds as CSV, every row, oldest first (streamed)',
          description:
            'The filters of GET /api/orders. Times in Asia/Tokyo (注文日時(JST)); UTF-8 with a BOM, or `encoding=shift_jis`.',
          querystring: exportQuery,
          response: { 200: fileAnswer('text/csv', 'The orders as CSV') },
        },
      },
      async (req, reply) => {
        const { encoding, ...filter } = req.query;
        return sendCsv(reply, {
          filename: 'orders.csv',
          encoding,
          columns: orderCsvColumns,
          page: orderExportPages(db, req.principal, filter),
        });
      },
    );
    app.get(
      '/api/order-lines.csv',
      {
        schema: {
          tags,
          summary: 'Export the lines of the orders the search finds as CSV, every row (streamed)',
          description:
            'The filters of GET /api/orders; one row per order line with SKU, JAN, quantity, price and returns. Times in Asia/Tokyo.',
          querystring: exportQuery,
          response: { 200: fileAnswer('text/csv', 'The order lines as CSV') },
        },
      },
      async (req, reply) => {
        const { encoding, ...filter } = req.query;
        return sendCsv(reply, {
          filename: 'order-lines.csv',
          encoding,
          columns: orderLineCsvColumns,
          page: orderLineExportPages(db, req.principal, filter),
        });
      },
    );
  };
