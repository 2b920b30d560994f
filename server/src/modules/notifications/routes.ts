import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { listInbox, markRead } from './inbox.ts';
import { createEndpoint, deleteEndpoint, listEndpoints } from './webhooks.ts';
import { deliveryStatuses, listDeliveries, retryAllDead, retryDeliveries } from './deliveries.ts';

const anyJson = z.any();

const channelEnum = z.enum(['email', 'sms', 'push', 'line', 'webhook']);
const deliverySchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  recipient: z.string(),
  recipientLabel: z.string().describe("The endpoint's URL for a webhook, the address otherwise"),
  customer: z
    .object({ id: z.string(), name: z.string().nullable(), memberNumber: z.string() })
    .nullable()
    .describe('The member an e-mail or LINE message went to, when known'),
  template: z.string().describe('E-mail/LINE template (order_ready …) or webhook event (order.ready …)'),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  deadAt: z.string().nullable(),
});
const deliveryPageSchema = z.object({
  items: z.array(deliverySchema),
  nextBefore: z.number().int().nullable(),
  counts: z.object({ pending: z.number().int(), dead: z.number().int() }),
  byChannel: z.array(
    z.object({
      channel: z.string(),
      pending: z.number().int(),
      oldestPendingSeconds: z.number(),
      dead: z.number().int(),
    }),
  ),
});
const hq = 'Owner or HQ.';

export const notificationRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['notifications'];
    app.get(
      '/api/account/notifications',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'My in-app notifications, newest first, with the unread count',
          response: { 200: anyJson },
        },
      },
      async (req) => listInbox(db, req.principal),
    );
    app.post(
      '/api/account/notifications/:id/read',
      {
        config: { customer: true },
        schema: { tags, summary: 'Mark one of my notifications read', params: idParam, response: { 200: anyJson } },
      },
      async (req) => markRead(db, req.principal, req.params.id),
    );
    app.post(
      '/api/webhooks',
      {
        schema: {
          tags,
          summary: 'Register a webhook endpoint (the signing secret is returned only here)',
          description: hq,
          body: z.object({
            url: z
              .string()
              .url()
              .regex(/^https?:\/\//)
              .max(2000),
            events: z
              .array(z.string().regex(/^(\*|[a-z_]+\.(\*|[a-z_]+))$/))
              .min(1)
              .max(50),
            secret: z.string().min(16).max(200).optional(),
          }),
          response: { 201: anyJson },
        },
      },
      async (req, reply) => reply.code(201).send(await createEndpoint(db, req.principal, req.body)),
    );
    app.get(
      '/api/webhooks',
      {
        schema: {
          tags,
          summary: 'Webhook endpoints with their recent deliveries',
          description: hq,
          response: { 200: anyJson },
        },
      },
      async (req) => ({
        items: await listEndpoints(db, req.principal),
      }),
    );
    app.get(
      '/api/deliveries',
      {
        schema: {
          tags,
          summary:
            'Outgoing messages of every channel (e-mail, LINE, webhooks): dead letters, waiting, sent — newest first',
          description: `${hq} Page with \`before\` = the last id of the previous page (\`nextBefore\`).`,
          querystring: z.object({
            status: z.enum(deliveryStatuses).default('dead'),
            channel: channelEnum.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            before: z.coerce.number().int().min(1).optional(),
          }),
          response: { 200: deliveryPageSchema },
        },
      },
      async (req) => listDeliveries(db, req.principal, req.query),
    );
    app.post(
      '/api/deliveries/retry',
      {
        schema: {
          tags,
          summary: 'Send dead letters (or waiting messages) again now, with a fresh set of attempts',
          description: `${hq} Either \`ids\`, or \`allDead: true\` (every dead letter, of \`channel\` when given).`,
          body: z
            .object({
              ids: z.array(z.number().int().min(1)).min(1).max(500).optional(),
              allDead: z.literal(true).optional(),
              channel: channelEnum.optional(),
            })
            .refine((b) => !!b.ids !== !!b.allDead, { message: 'ids or allDead: true, not both', path: ['ids'] }),
          response: { 200: z.object({ retried: z.array(z.number().int()) }) },
        },
      },
      async (req) =>
        req.body.ids
          ? retryDeliveries(db, req.principal, [...new Set(req.body.ids)])
          : retryAllDead(db, req.principal, req.body.channel),
    );
    app.delete(
      '/api/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Deactivate a webhook endpoint',
          description: hq,
          params: idParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await deleteEndpoint(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
