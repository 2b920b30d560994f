import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import type { EgressGuard } from '../../platform/egress.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { listInbox, markAllRead, markRead, unreadCount } from './inbox.ts';
import { createEndpoint, deleteEndpoint, listEndpoints, rollSecret } from './webhooks.ts';
import {
  createdEndpointView,
  deliveryPageSchema,
  deliveryQuery,
  endpointList,
  inboxQuery,
  inboxView,
  readAllView,
  unreadView,
  readView,
  retryBody,
  retryView,
  rollSecretBody,
  webhookBody,
} from './schemas.ts';
import { listDeliveries, retryAllDead, retryDeliveries } from './deliveries.ts';

const hq = 'Owner or HQ.';

export const notificationRoutes =
  (db: Db, egress: EgressGuard): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['notifications'];
    app.get(
      '/api/account/notifications',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'My in-app notifications, newest first, with the unread count',
          description: 'Page with `before` = the last id of the previous page (`nextBefore`).',
          querystring: inboxQuery,
          response: { 200: inboxView },
        },
      },
      async (req) => listInbox(db, req.principal, req.query),
    );
    app.get(
      '/api/account/notifications/unread',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'How many of my notifications are unread (the badge)',
          response: { 200: unreadView },
        },
      },
      async (req) => unreadCount(db, req.principal),
    );
    app.post(
      '/api/account/notifications/read-all',
      {
        config: { customer: true },
        schema: { tags, summary: 'Mark all my notifications read', response: { 200: readAllView } },
      },
      async (req) => markAllRead(db, req.principal),
    );
    app.post(
      '/api/account/notifications/:id/read',
      {
        config: { customer: true },
        schema: { tags, summary: 'Mark one of my notifications read', params: idParam, response: { 200: readView } },
      },
      async (req) => markRead(db, req.principal, req.params.id),
    );
    app.post(
      '/api/webhooks',
      {
        schema: {
          tags,
          summary: 'Register a webhook endpoint (the signing secret is returned only here)',
          description: `${hq} Signed per Standard Webhooks unless \`signature: legacy\`. The URL's host is resolved and refused (422) when it is a loopback, private, link-local, CGNAT, metadata, unspecified or multicast address, unless the operator allows its CIDR (WEBHOOK_ALLOW_CIDRS); every delivery checks again.`,
          body: webhookBody,
          response: { 201: createdEndpointView },
        },
      },
      async (req, reply) => reply.code(201).send(await createEndpoint(db, req.principal, egress, req.body)),
    );
    app.get(
      '/api/webhooks',
      {
        schema: {
          tags,
          summary: 'Webhook endpoints with their recent deliveries',
          description: hq,
          response: { 200: endpointList },
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
          querystring: deliveryQuery,
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
          body: retryBody,
          response: { 200: retryView },
        },
      },
      async (req) =>
        req.body.ids
          ? retryDeliveries(db, req.principal, [...new Set(req.body.ids)])
          : retryAllDead(db, req.principal, req.body.channel),
    );
    app.post(
      '/api/webhooks/:id/roll-secret',
      {
        schema: {
          tags,
          summary: "Roll a webhook endpoint's signing secret (the new one is returned only here)",
          description: `${hq} The old secret keeps signing beside the new one for \`overlapHours\` (24 by default; standard scheme), so the receiver can switch without losing a delivery. \`signature: standard\` moves a legacy endpoint to Standard Webhooks.`,
          params: idParam,
          body: rollSecretBody,
          response: { 200: createdEndpointView },
        },
      },
      async (req) => rollSecret(db, req.principal, req.params.id, req.body),
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
